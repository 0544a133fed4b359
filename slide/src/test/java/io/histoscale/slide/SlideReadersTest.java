package io.histoscale.slide;

import io.histoscale.core.UserException;
import io.histoscale.slide.tiff.TiffProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static io.histoscale.slide.SlideTestData.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the registry chooses among readers and what it tells the user about the others, with the real TIFF reader next
 * to two readers that cannot be had on this machine: one whose native library is missing, one that claims every file
 * and reads none.
 */
class SlideReadersTest {

    @TempDir
    Path temp;

    /** A backend whose native library is not installed; the registry must never probe it or open with it. */
    static final class MissingLibrary implements SlideReaderProvider {
        @Override
        public SlideBackend backend() {
            return new SlideBackend("native");
        }

        @Override
        public String formats() {
            return "Hamamatsu .ndpi and more";
        }

        @Override
        public Optional<String> unavailableReason() {
            return Optional.of("libnative did not load; install it (apt-get install libnative0)");
        }

        @Override
        public Support probe(Path path) {
            throw new AssertionError("an unavailable reader was probed");
        }

        @Override
        public Slide open(Path path) {
            throw new AssertionError("an unavailable reader was asked to open " + path);
        }
    }

    /** Recognises every file, then finds it cannot read it. */
    static final class Overconfident implements SlideReaderProvider {
        @Override
        public SlideBackend backend() {
            return new SlideBackend("eager");
        }

        @Override
        public String formats() {
            return "nothing, in the end";
        }

        @Override
        public Optional<String> unavailableReason() {
            return Optional.empty();
        }

        @Override
        public Support probe(Path path) {
            return Support.RECOGNISED;
        }

        @Override
        public Slide open(Path path) {
            throw new UnsupportedSlideException(path + " is not a slide the eager reader can read after all.");
        }
    }

    private final SlideReaders withMissing = new SlideReaders(List.of(new TiffProvider(), new MissingLibrary()));

    @Test
    void aFormatOnlyAMissingReaderReadsSaysHowToInstallIt() {
        Path ndpi = sharedSlide(NDPI);
        assertThatThrownBy(() -> withMissing.open(ndpi))
                .isInstanceOf(UnsupportedSlideException.class)
                .hasMessageContaining(ndpi + " is a Hamamatsu NDPI slide, which the TIFF reader cannot decode.")
                .hasMessageContaining("Backend native, which reads Hamamatsu .ndpi and more, is not available:"
                        + " libnative did not load; install it (apt-get install libnative0).");
    }

    @Test
    void aFileNoReaderHereReadsNamesWhatItIsWhatIsReadAndWhatIsMissing() throws IOException {
        Path text = Files.writeString(temp.resolve("notes.svs"), "left node, rescan\n");
        assertThatThrownBy(() -> withMissing.open(text))
                .isInstanceOf(UnsupportedSlideException.class)
                .hasMessageContaining(text + " is not a slide any backend here reads: it is a text file.")
                .hasMessageContaining("The backend tiff reads Aperio SVS")
                .hasMessageContaining("probably truncated or corrupt")
                .hasMessageContaining("Backend native, which reads Hamamatsu .ndpi and more, is not available");
    }

    @Test
    void forcingAMissingReaderSaysWhyAndWhatElseMayRead() {
        Path svs = sharedSlide(SMALL_SVS);
        assertThatThrownBy(() -> withMissing.open(svs, "native"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining(svs + " cannot be read with backend native: libnative did not load;"
                        + " install it (apt-get install libnative0).")
                .hasMessageContaining("Backend tiff may read the file: try that backend.");
        try (Slide slide = withMissing.open(svs)) {
            assertThat(slide.backend().name()).isEqualTo("tiff");
        }
    }

    @Test
    void whenTheBestReaderTurnsTheFileDownTheNextOneReadsIt() throws IOException {
        SlideReaders readers = new SlideReaders(List.of(new TiffProvider(), new Overconfident()));
        try (Slide slide = readers.open(sharedSlide(SMALL_SVS))) {
            assertThat(slide.backend().name()).isEqualTo("tiff");
        }
        Path text = Files.writeString(temp.resolve("notes.svs"), "left node, rescan\n");
        assertThatThrownBy(() -> readers.open(text))
                .isInstanceOf(UnsupportedSlideException.class)
                .hasMessage(text + " is not a slide the eager reader can read after all.");
    }

    @Test
    void twoReadersCannotShareABackendName() {
        assertThatIllegalStateException()
                .isThrownBy(() -> new SlideReaders(List.of(new TiffProvider(), new TiffProvider())))
                .withMessageContaining("backend tiff");
    }
}
