package io.histoscale.cli;

import io.histoscale.launch.RunTracker;
import io.histoscale.registry.MetricsFile;
import io.histoscale.registry.Run;
import io.histoscale.registry.RunRegistry;
import io.histoscale.registry.RunStatus;
import io.histoscale.registry.RunTask;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "watch", description = {
        "Follow a run (local, Slurm or in another process) to its end.",
        "A progress bar with epoch, loss, AUC, images/s and ETA read from its metrics file, or its array tasks. "
                + "Exits with 0 when the run completed, 1 when it failed or was cancelled."})
final class WatchCommand implements Callable<Integer> {


    @Parameters(paramLabel = "RUN", description = "Run id (or its first characters), as listed by: histoscale runs list.")
    String run;

    @Option(names = "--store", paramLabel = "FILE|JDBC_URL", description = "Run registry (default: $HISTOSCALE_STORE, else ~/.histoscale/runs.db).")
    String store;

    @Option(names = "--interval", defaultValue = "1", description = "Seconds between looks (default ${DEFAULT-VALUE}).")
    double interval;

    @Override
    public Integer call() {
        try (RunRegistry registry = RunRegistry.open(store)) {
            Run ended = follow(registry, registry.get(run).id(), Math.max(50, (long) (interval * 1000)));
            printEnd(ended);
            return ended.status() == RunStatus.COMPLETED ? 0 : 1;
        }
    }

    static Run follow(RunRegistry registry, String id) {
        return follow(registry, id, 1000);
    }

    /** Refreshes the run until it ends, drawing its progress on stderr; returns it ended. */
    static Run follow(RunRegistry registry, String id, long pollMillis) {
        Run first = registry.get(id);
        int epochs = first.config().get("epochs") instanceof Number n ? n.intValue() : 0;
        String unit = first.isArray() ? "tasks" : first.metricsFile() != null ? "epochs" : "steps";
        long max = first.isArray() ? first.tasks().size() : first.metricsFile() != null ? epochs : 1;
        try (ProgressBar bar = ProgressBars.bar(first.kind(), max, unit)) {
            return new RunTracker(registry).await(id, pollMillis, r -> {
                RunProgress progress = progress(r, epochs);
                if (progress.done() > bar.getMax()) bar.maxHint(progress.done());
                bar.stepTo(progress.done());
                bar.setExtraMessage(progress.message());
            });
        }
    }

    /** How far a run is and one line about it. */
    record RunProgress(long done, String message) {
    }

    static RunProgress progress(Run run, int epochs) {
        List<String> parts = new ArrayList<>();
        if (run.status() != RunStatus.RUNNING) parts.add(run.status().name().toLowerCase(Locale.ROOT));
        if (run.isArray()) {
            long done = run.tasks().stream().filter(t -> t.status().isFinal()).count();
            long running = run.tasks().stream().filter(t -> t.status() == RunStatus.RUNNING).count();
            long retried = run.tasks().stream().filter(t -> t.attempts() > 1).count();
            parts.add(running + " running");
            if (retried > 0) parts.add(retried + " re-submitted");
            return new RunProgress(done, String.join(", ", parts));
        }
        if (run.metricsFile() == null) return new RunProgress(run.status().isFinal() ? 1 : 0, String.join(", ", parts));
        List<Map<String, Double>> lines = MetricsFile.read(Path.of(run.metricsFile()));
        if (!lines.isEmpty()) {
            Map<String, Double> last = lines.get(lines.size() - 1);
            parts.add(String.format(Locale.ROOT, "loss %.4f", last.getOrDefault("trainLoss", 0.0)));
            if (last.containsKey("val.auc")) parts.add(String.format(Locale.ROOT, "AUC %.3f", last.get("val.auc")));
            parts.add(String.format(Locale.ROOT, "%.0f img/s", last.getOrDefault("imagesPerSecond", 0.0)));
            double mean = lines.stream().mapToDouble(l -> l.getOrDefault("seconds", 0.0)).average().orElse(0);
            if (epochs > lines.size() && !run.status().isFinal()) {
                parts.add("ETA " + human(Duration.ofMillis((long) (mean * (epochs - lines.size()) * 1000))));
            }
        }
        return new RunProgress(lines.size(), String.join(", ", parts));
    }

    /** {@code run train-3fa9c2 COMPLETED in 41 s (exit 0): val_auc 0.912, …}, and why it did not complete. */
    static void printEnd(Run run) {
        String took = run.duration() == null ? "" : " in " + human(run.duration());
        String exit = run.exitCode() == null ? "" : " (exit " + run.exitCode() + ")";
        String metrics = run.metrics().isEmpty() ? "" : ": " + describe(run.metrics());
        System.out.println("run " + run.id() + " " + run.status() + took + exit + metrics);
        if (run.status() != RunStatus.COMPLETED && run.message() != null) System.err.println(run.message());
        for (RunTask t : run.tasks()) {
            if (t.attempts() > 1 && t.status() == RunStatus.COMPLETED) {
                System.out.println("task " + t.index() + " completed on attempt " + t.attempts());
            }
        }
    }

    static String describe(Map<String, Double> metrics) {
        return metrics.entrySet().stream().map(e -> e.getKey() + " " + number(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    static String number(Double v) {
        if (v == null) return "-";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString(v.longValue());
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.4f", v);
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
        if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
