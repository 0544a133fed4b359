package io.histoscale.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A recorded run: what ran ({@code kind}, {@code command}, {@code config}), who started it, where ({@code executor}
 * local, slurm or in-process, with the Slurm job id or local process id), when, how it ended, its final metrics and
 * the files it made.
 *
 * @param user        the operating-system user who recorded it; null for runs recorded before users were kept
 * @param metricsFile the file the run appends progress to (train: metrics.jsonl), followed by {@code watch}
 * @param message     why a run failed or was cancelled, with the tail of its log
 */
public record Run(String id, String kind, String user, List<String> command, Map<String, Object> config,
                  RunStatus status, Instant createdAt, Instant startedAt, Instant endedAt, String executor,
                  String jobId, String host, String workDir, String logPath, String metricsFile, Integer exitCode,
                  String message, Map<String, Double> metrics, Map<String, String> artefacts, List<RunTask> tasks) {

    /** Wall time from start to end (or to now while it runs); null before it starts. */
    public Duration duration() {
        if (startedAt == null) return null;
        return Duration.between(startedAt, endedAt != null ? endedAt : Instant.now());
    }

    public boolean isArray() {
        return !tasks.isEmpty();
    }
}
