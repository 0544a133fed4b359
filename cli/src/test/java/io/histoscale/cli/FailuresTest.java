package io.histoscale.cli;

import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The words for failures the machine produced for real: a port in use, a missing file; and for a bug. */
class FailuresTest {

    @TempDir
    Path dir;

    @Test
    void aPortInUseSaysWhichAndWhatToDo() throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            Throwable bind = catchThrowable(() -> new ServerSocket(taken.getLocalPort()).close());
            Failures.Failure f = Failures.of(new UncheckedIOException("cannot listen for sites on port "
                    + taken.getLocalPort(), (IOException) bind), null);
            assertThat(f.status()).isEqualTo(Failures.FAILED);
            assertThat(f.bug()).isFalse();
            assertThat(f.line()).isEqualTo("cannot listen for sites on port " + taken.getLocalPort()
                    + ": the port is already in use; choose another port or stop the program that uses it");
        }
    }

    @Test
    void aMissingFileIsNamedEvenWithoutContext() {
        Path missing = dir.resolve("plan.yaml");
        Throwable read = catchThrowable(() -> Files.readString(missing));
        Failures.Failure f = Failures.of(new UncheckedIOException((IOException) read), null);
        assertThat(f.status()).isEqualTo(Failures.FAILED);
        assertThat(f.line()).isEqualTo(missing + ": no such file or directory; check the path");
    }

    @Test
    void userErrorsKeepTheirWordsAndBugsSayWhatTheyAre() {
        assertThat(Failures.of(new IllegalStateException("wrapped", UserException.forKey("batch_size", "1: too small")),
                null)).isEqualTo(new Failures.Failure(Failures.USER, "batch_size 1: too small", false));
        Failures.Failure bug = Failures.of(new IllegalStateException("no such state"), null);
        assertThat(bug.bug()).isTrue();
        assertThat(bug.status()).isEqualTo(Failures.FAILED);
        assertThat(bug.line()).contains("bug in HistoScale");
    }
}
