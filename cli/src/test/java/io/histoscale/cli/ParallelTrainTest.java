package io.histoscale.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code train --ranks}: user errors before any process is started. */
class ParallelTrainTest {

    @TempDir
    Path dir;

    @Test
    void ranksMustBePositive() {
        CliTest.Run r = CliTest.run("train", "--data", dir.toString(), "--out", dir.resolve("run").toString(),
                "--ranks", "0");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("histoscale: error: --ranks 0: give 1 or more processes");
        assertThat(Files.exists(dir.resolve("run"))).isFalse();
    }

    @Test
    void theDefaultThreadsShareTheCoresAmongTheRanks() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(ParallelTrain.threadsPerRank(1)).isEqualTo(cores);
        assertThat(ParallelTrain.threadsPerRank(cores * 2)).isEqualTo(1);
    }
}
