package io.histoscale.cli;

import io.histoscale.dataset.store.PatchStore;
import io.histoscale.registry.MetricsFile;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the registry keeps of a run, read from its command line and its output folder: the configuration (every option
 * value), the final metrics (train: metrics.jsonl; tile: the store's slides and patches) and the files it made.
 */
final class RunsResults {


    private RunsResults() {
    }

    /** {@code tile}, {@code train}, {@code federate site}: the subcommand names below {@code histoscale}. */
    static String kind(List<CommandLine> chain) {
        // Without the root "histoscale" when there is one; the demo runs tile, train and stage as roots of their own.
        boolean rooted = chain.get(0).getCommand() instanceof Main;
        return chain.stream().skip(rooted ? 1 : 0).map(CommandLine::getCommandName).collect(Collectors.joining(" "));
    }

    /** Every option of the command (defaults included) and its inputs, by name, as JSON-friendly values. */
    static Map<String, Object> config(CommandLine leaf) {
        CommandSpec spec = leaf.getCommandSpec();
        Set<String> skip = executorOptionNames(leaf);
        Map<String, Object> config = new TreeMap<>();
        for (OptionSpec o : spec.options()) {
            if (o.usageHelp() || o.versionHelp() || skip.contains(o.longestName()) || o.hidden()
                    || o.longestName().equals(Main.DEBUG)) continue; // how errors print is no setting of the run
            config.put(o.longestName().replaceFirst("^-+", ""), plain(o.getValue()));
        }
        ExecutorOptions ex = ExecutorOptions.of(leaf);
        if (ex != null && ex.executor != null) {
            Map<String, Object> job = new LinkedHashMap<>();
            job.put("executor", ex.executor);
            if (ex.partition != null) job.put("partition", ex.partition);
            if (ex.time != null) job.put("time", ex.time);
            if (ex.cpus > 0) job.put("cpus", ex.cpus);
            if (ex.gpus > 0) job.put("gpus", ex.gpus);
            if (ex.memory != null) job.put("mem", ex.memory);
            if (ex.mpiTasks > 0) job.put("mpi-tasks", ex.mpiTasks);
            if (ex.arraySize > 0) job.put("array-size", ex.arraySize);
            config.put("job", job);
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            config.put(p.paramLabel().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "") + "s",
                    plain(p.getValue()));
        }
        return config;
    }

    static Set<String> executorOptionNames(CommandLine leaf) {
        CommandSpec mixin = leaf.getCommandSpec().mixins().get(ExecutorOptions.MIXIN);
        return mixin == null ? Set.of()
                : mixin.options().stream().map(OptionSpec::longestName).collect(Collectors.toSet());
    }

    private static Object plain(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean || value instanceof String) return value;
        if (value instanceof Collection<?> c) return c.stream().map(RunsResults::plain).toList();
        return value.toString();
    }

    /** The folder a command writes to: --out, or --resume for a resumed training run. */
    static Path outDir(CommandLine leaf) {
        for (String name : List.of("--out", "--resume")) {
            OptionSpec o = leaf.getCommandSpec().findOption(name);
            if (o != null && o.getValue() != null) return Path.of(o.getValue().toString());
        }
        return null;
    }

    /** The file a run appends progress to, followed by watch: a training run's metrics.jsonl. */
    static String metricsFile(String kind, CommandLine leaf) {
        Path out = outDir(leaf);
        return kind.equals("train") && out != null ? out.toAbsolutePath().resolve("metrics.jsonl").toString() : null;
    }

    /** Final figures of a finished run, from what it wrote. */
    static Map<String, Double> metrics(String kind, CommandLine leaf) {
        Path out = outDir(leaf);
        Map<String, Double> m = new TreeMap<>();
        if (out == null) return m;
        try {
            if (kind.equals("train")) m.putAll(MetricsFile.summary(MetricsFile.read(out.resolve("metrics.jsonl"))));
            if (kind.equals("tile") && Files.exists(out.resolve("manifest.json"))) {
                try (PatchStore store = PatchStore.open(out)) {
                    m.put("slides", (double) store.slides().size());
                    m.put("patches", (double) store.size());
                }
            }
        } catch (RuntimeException e) {
            // metrics are a summary of files the run wrote; a run whose files cannot be read keeps its status
        }
        return m;
    }

    /** Files a finished run made, by role. */
    static Map<String, String> artefacts(String kind, CommandLine leaf) {
        Path out = outDir(leaf);
        Map<String, String> a = new TreeMap<>();
        if (out == null || !Files.exists(out)) return a;
        Path abs = out.toAbsolutePath().normalize();
        a.put(kind.equals("tile") ? "store" : "out", abs.toString());
        for (String[] f : new String[][]{{"model", "best.ckpt"}, {"metrics", "metrics.jsonl"}, {"run", "run.json"},
                {"report", "report.html"}, {"stages", "stages.csv"}, {"cv", "cv.json"}}) {
            if (Files.exists(abs.resolve(f[1]))) a.put(f[0], abs.resolve(f[1]).toString());
        }
        return a;
    }
}
