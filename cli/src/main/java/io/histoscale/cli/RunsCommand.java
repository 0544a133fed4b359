package io.histoscale.cli;

import io.histoscale.core.UserException;
import io.histoscale.launch.RunTracker;
import io.histoscale.registry.Run;
import io.histoscale.registry.RunFilter;
import io.histoscale.registry.RunQueries;
import io.histoscale.registry.RunRegistry;
import io.histoscale.registry.RunTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

@Command(name = "runs", description = {
        "The run registry: every tile, train, stage and federate run, where it ran, how it ended, its metrics and files.",
        "Runs still going on Slurm or in a local process are brought up to date first."},
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class, RunsCommand.Compare.class,
                RunsCommand.Cancel.class})
final class RunsCommand extends CommandGroup {



    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    /** --store, shared by the subcommands. */
    static class StoreOption {
        @Option(names = "--store", paramLabel = "FILE|JDBC_URL",
                description = "Run registry (default: $HISTOSCALE_STORE, else ~/.histoscale/runs.db).")
        String store;
    }

    @Command(name = "list", description = "The newest runs, newest first.")
    static final class ListRuns extends StoreOption implements Runnable {
        @Option(names = "--kind", description = "Only runs of this kind (tile, train, stage, federate site, …).")
        String kind;

        @Option(names = "--limit", defaultValue = "20", description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public void run() {
            RunQueries queries = RunQueries.open(store);
            List<Run> runs = current(queries, queries.list(RunFilter.builder().optKind(kind).optLimit(limit).build()));
            System.out.printf("%-20s %-10s %-10s %-10s %-12s %-19s %9s  %s%n", "ID", "KIND", "STATUS", "EXECUTOR",
                    "JOB", "STARTED", "TOOK", "KEY FIGURE");
            for (Run r : runs) {
                System.out.printf("%-20s %-10s %-10s %-10s %-12s %-19s %9s  %s%n", r.id(), r.kind(), r.status(),
                        r.executor(), r.jobId() == null ? "-" : r.jobId(),
                        r.startedAt() == null ? "-" : TIME.format(r.startedAt()),
                        r.duration() == null ? "-" : WatchCommand.human(r.duration()), keyFigure(r));
            }
            if (runs.isEmpty()) System.out.println("(no runs in " + queries.location() + ")");
        }
    }

    /**
     * The runs as their executors see them now: those that {@link RunTracker#mayChange may change} are refreshed, and
     * only then is the registry opened for writing.
     */
    static List<Run> current(RunQueries queries, List<Run> runs) {
        if (runs.stream().noneMatch(RunTracker::mayChange)) return runs;
        try (RunRegistry registry = RunRegistry.open(queries.location())) {
            RunTracker tracker = new RunTracker(registry);
            List<Run> now = new ArrayList<>();
            for (Run r : runs) now.add(RunTracker.mayChange(r) ? tracker.refresh(r.id()) : r);
            return now;
        }
    }

    /** The figure that says most about a run of its kind. */
    static String keyFigure(Run r) {
        Map<String, Double> m = r.metrics();
        if (m.containsKey("val_auc")) return "val_auc " + WatchCommand.number(m.get("val_auc"));
        if (m.containsKey("patches")) return "patches " + WatchCommand.number(m.get("patches"));
        if (m.containsKey("train_loss")) return "train_loss " + WatchCommand.number(m.get("train_loss"));
        return "";
    }

    @Command(name = "show", description = "Everything recorded about one run.")
    static final class Show extends StoreOption implements Runnable {
        @Parameters(paramLabel = "RUN", description = "Run id (or its first characters).")
        String id;

        @Override
        public void run() {
            RunQueries queries = RunQueries.open(store);
            Run r = current(queries, List.of(queries.get(id))).get(0);
            line("id", r.id());
            line("kind", r.kind());
            line("status", r.status() + (r.exitCode() == null ? "" : " (exit " + r.exitCode() + ")"));
            line("command", "histoscale " + String.join(" ", r.command()));
            line("executor", r.executor() + (r.jobId() == null ? "" : ", job " + r.jobId())
                    + (r.host() == null ? "" : ", host " + r.host()));
            line("created", TIME.format(r.createdAt()));
            line("started", r.startedAt() == null ? "-" : TIME.format(r.startedAt()));
            line("ended", r.endedAt() == null ? "-" : TIME.format(r.endedAt()));
            if (r.duration() != null) line("took", WatchCommand.human(r.duration()));
            line("work dir", r.workDir());
            if (r.logPath() != null) line("log", r.logPath());
            System.out.println("config:");
            r.config().forEach((k, v) -> System.out.printf("  %-22s %s%n", k, v));
            if (!r.metrics().isEmpty()) {
                System.out.println("metrics:");
                r.metrics().forEach((k, v) -> System.out.printf("  %-22s %s%n", k, WatchCommand.number(v)));
            }
            if (!r.artefacts().isEmpty()) {
                System.out.println("artefacts:");
                r.artefacts().forEach((k, v) -> System.out.printf("  %-22s %s%n", k, v));
            }
            if (r.isArray()) {
                System.out.println("tasks:");
                for (RunTask t : r.tasks()) {
                    System.out.printf("  %-3d %-10s job %-10s attempts %d%s  %s%n", t.index(), t.status(), t.jobId(),
                            t.attempts(), t.exitCode() == null ? "" : ", exit " + t.exitCode(), t.logPath());
                }
            }
            if (r.message() != null) {
                System.out.println("message:");
                System.out.println("  " + r.message().replace("\n", "\n  "));
            }
        }

        private static void line(String name, String value) {
            System.out.printf("%-10s %s%n", name + ":", value);
        }
    }

    @Command(name = "compare", description = "Runs side by side: the settings that differ, then every metric.")
    static final class Compare extends StoreOption implements Runnable {
        @Parameters(arity = "2..*", paramLabel = "RUN", description = "Two or more run ids.")
        List<String> ids;

        @Override
        public void run() {
            RunQueries queries = RunQueries.open(store);
            List<Run> runs = new ArrayList<>();
            for (String id : ids) runs.add(queries.get(id));
            int width = Math.max(14, runs.stream().mapToInt(r -> r.id().length()).max().orElse(14)) + 2;
            StringBuilder header = new StringBuilder(String.format("%-24s", ""));
            for (Run r : runs) header.append(String.format("%-" + width + "s", r.id()));
            System.out.println(header.toString().stripTrailing());
            row("kind", runs, width, r -> r.kind());
            row("status", runs, width, r -> r.status().name());
            row("took", runs, width, r -> r.duration() == null ? "-" : WatchCommand.human(r.duration()));
            TreeSet<String> keys = new TreeSet<>();
            runs.forEach(r -> keys.addAll(r.config().keySet()));
            List<String> differing = new ArrayList<>();
            for (String k : keys) {
                Object v0 = runs.get(0).config().get(k);
                if (runs.stream().anyMatch(r -> !Objects.equals(r.config().get(k), v0))) differing.add(k);
            }
            System.out.println(differing.isEmpty() ? "settings: all the same" : "settings that differ:");
            for (String k : differing) row("  " + k, runs, width, r -> String.valueOf(r.config().get(k)));
            TreeSet<String> metrics = new TreeSet<>();
            runs.forEach(r -> metrics.addAll(r.metrics().keySet()));
            if (!metrics.isEmpty()) System.out.println("metrics:");
            for (String m : metrics) row("  " + m, runs, width, r -> WatchCommand.number(r.metrics().get(m)));
        }

        private static void row(String name, List<Run> runs, int width, java.util.function.Function<Run, String> value) {
            StringBuilder s = new StringBuilder(String.format("%-24s", name));
            for (Run r : runs) {
                String v = value.apply(r);
                s.append(String.format("%-" + width + "s", v)).append(v.length() >= width ? "  " : "");
            }
            System.out.println(s.toString().stripTrailing());
        }
    }

    @Command(name = "cancel", description = "Stop a run (scancel for Slurm, a signal for a local process); it is recorded as CANCELLED.")
    static final class Cancel extends StoreOption implements java.util.concurrent.Callable<Integer> {
        @Parameters(paramLabel = "RUN", description = "Run id (or its first characters).")
        String id;

        @Override
        public Integer call() {
            try (RunRegistry registry = RunRegistry.open(store)) {
                Run r = registry.get(id);
                if (r.status().isFinal()) {
                    throw new UserException("run " + r.id() + " already ended (" + r.status() + "); nothing to cancel");
                }
                Run after = new RunTracker(registry).cancel(r.id());
                System.out.println("run " + after.id() + " " + after.status().name().toLowerCase(Locale.ROOT));
                return 0;
            }
        }
    }
}
