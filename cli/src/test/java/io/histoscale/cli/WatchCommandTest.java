package io.histoscale.cli;

import io.histoscale.registry.Run;
import io.histoscale.registry.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What watch shows of a training run from its metrics file: epochs done, loss, AUC, images/s and the ETA. */
class WatchCommandTest {

    @TempDir
    Path dir;

    private Run training(RunStatus status, Path metrics) {
        return new Run("train-abc123", "train", "ana", List.of("train"), Map.of("epochs", 5), status, Instant.now(),
                Instant.now(), null, "slurm", "7", "node1", dir.toString(), null, metrics.toString(), null, null,
                Map.of(), Map.of(), List.of());
    }

    @Test
    void progressComesFromTheMetricsFileWithAnEtaFromEpochTimes() throws Exception {
        Path metrics = dir.resolve("metrics.jsonl");
        assertThat(WatchCommand.progress(training(RunStatus.PENDING, metrics), 5))
                .isEqualTo(new WatchCommand.RunProgress(0, "pending"));
        Files.writeString(metrics, """
                {"epoch":1,"trainLoss":0.5,"imagesPerSecond":100.0,"seconds":10.0,"val":{"auc":0.8}}
                {"epoch":2,"trainLoss":0.25,"imagesPerSecond":120.0,"seconds":14.0,"val":{"auc":0.91}}
                {"epoch":3,"trainLo""");
        WatchCommand.RunProgress p = WatchCommand.progress(training(RunStatus.RUNNING, metrics), 5);
        assertThat(p.done()).isEqualTo(2);
        // 3 epochs left at 12 s each
        assertThat(p.message()).isEqualTo("loss 0.2500, AUC 0.910, 120 img/s, ETA 36.0 s");
        WatchCommand.RunProgress ended = WatchCommand.progress(training(RunStatus.FAILED, metrics), 5);
        assertThat(ended.message()).startsWith("failed, loss 0.2500").doesNotContain("ETA");
    }
}
