package io.histoscale.cli;

import io.histoscale.registry.Run;
import io.histoscale.registry.RunFilter;
import io.histoscale.registry.RunQueries;
import io.histoscale.registry.RunStatus;
import io.histoscale.testkit.SyntheticPatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run killed with SIGKILL records nothing itself; whoever looks next ({@code runs list}) records it as FAILED,
 * ended when it died (to within its heartbeat), not when it was looked at.
 */
class KilledRunTest {

    @TempDir
    Path dir;

    @Test
    void aTrainingKilledWithSigkillIsRecordedAsEndedWhenItDied() throws Exception {
        Path store = SyntheticPatches.builder().slides(4).perSlide(16).size(24).write(dir.resolve("store"));
        Path registry = dir.resolve("runs.db");
        List<String> command = new ArrayList<>(ExecutorLaunch.javaCommand());
        command.addAll(List.of("train", "--data", store.toString(), "--out", dir.resolve("run").toString(),
                "--model", "small", "--epochs", "1000", "--patience", "0", "--batch", "8", "--threads", "1",
                "--workers", "1", "--store", registry.toString()));
        Path output = dir.resolve("train.out");
        Process train = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        Instant kill;
        try {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!(Files.exists(output) && Files.readString(output).contains("epoch 2/1000"))) {
                assertThat(train.isAlive()).as(Files.readString(output)).isTrue();
                assertThat(System.nanoTime()).as("training did not get going").isLessThan(deadline);
                Thread.sleep(200);
            }
            Thread.sleep(4000); // a while into the run, as a user's kill would be
        } finally {
            kill = Instant.now();
            train.destroyForcibly(); // SIGKILL
            train.waitFor(30, TimeUnit.SECONDS);
        }
        Instant killed = Instant.now();

        Thread.sleep(8000); // nobody looks for a while
        CliTest.Run list = CliTest.run("runs", "list", "--store", registry.toString());
        assertThat(list.status()).as(list.err()).isZero();
        assertThat(list.out()).contains("FAILED");
        Run run = RunQueries.open(registry.toString()).list(RunFilter.builder().optKind("train").build()).get(0);
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        // its heartbeat beat every 2 s until the kill
        assertThat(run.endedAt()).isBetween(kill.minus(Duration.ofSeconds(4)), killed.plusMillis(500));
        assertThat(run.duration()).isGreaterThan(Duration.ofSeconds(4));
    }
}
