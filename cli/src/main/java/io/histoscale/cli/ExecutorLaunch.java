package io.histoscale.cli;

import io.histoscale.core.UserException;
import io.histoscale.dataset.tile.SlideFiles;
import io.histoscale.launch.Executor;
import io.histoscale.launch.Job;
import io.histoscale.launch.Logs;
import io.histoscale.launch.Resources;
import io.histoscale.launch.RunTracker;
import io.histoscale.launch.Submission;
import io.histoscale.registry.Run;
import io.histoscale.registry.RunRegistry;
import io.histoscale.registry.RunStatus;
import io.histoscale.registry.RunTask;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code --executor NAME}: records the run, writes a job that runs this same command line with this same
 * HistoScale (same java, same class path) inside the job, submits it, and follows it to its end unless
 * {@code --detach}. With {@code tile --array-size K} the slides are dealt over K array tasks that all append to the
 * one store.
 */
final class ExecutorLaunch {

    private ExecutorLaunch() {
    }

    static int submit(String kind, ParseResult parsed, CommandLine leaf, ExecutorOptions ex) {
        Executor executor = Executor.named(ex.executor);
        Resources resources = ex.resources();
        executor.check(resources);
        List<List<String>> tasks = taskArguments(kind, parsed, leaf, ex);
        try (RunRegistry registry = RunRegistry.open(ex.store)) {
            String location = absolute(registry.location());
            String id = registry.newRun(kind).setCommand(parsed.originalArgs()).optConfig(RunsResults.config(leaf))
                    .optExecutor(executor.name()).optMetricsFile(RunsResults.metricsFile(kind, leaf)).create();
            Job.Builder job = Job.builder().setName("histoscale-" + id).setLogDir(logDir(location, id))
                    .optResources(resources);
            for (int t = 0; t < tasks.size(); t++) {
                List<String> args = new ArrayList<>(tasks.get(t));
                List<String> run = new ArrayList<>(List.of("--store", location, "--run-id", id));
                if (tasks.size() > 1) run.addAll(List.of("--run-task", Integer.toString(t)));
                int inputs = args.indexOf("--"); // options as name=value never read "--"
                args.addAll(inputs >= 0 ? inputs : args.size(), run);
                List<String> argv = new ArrayList<>(javaCommand());
                argv.addAll(args);
                job.addTask(argv);
            }
            Submission s;
            try {
                s = new RunTracker(registry).submit(id, executor, job.build());
            } catch (UserException e) {
                registry.finished(id, RunStatus.FAILED, null, "not submitted: " + e.getMessage());
                throw e;
            }
            System.out.printf("run %s: %s job %s%s; logs in %s%n", id, executor.name(), s.jobId(),
                    tasks.size() > 1 ? " (" + tasks.size() + " array tasks)" : "", s.script().getParent());
            if (ex.detach) {
                System.out.println("follow it with: histoscale watch " + id);
                return 0;
            }
            Run run = WatchCommand.follow(registry, id);
            if (run.isArray()) {
                // Each task recorded the store as it saw it; the whole store is known only now.
                registry.putMetrics(id, RunsResults.metrics(kind, leaf));
                registry.putArtefacts(id, RunsResults.artefacts(kind, leaf));
                run = registry.get(id);
            }
            printOutput(run, s);
            WatchCommand.printEnd(run);
            return run.status() == RunStatus.COMPLETED ? 0 : 1;
        }
    }

    /** What the job printed (its log, without progress-bar redraws), so a submitted run reads like a local one. */
    private static void printOutput(Run run, Submission s) {
        if (!run.isArray()) {
            String out = Logs.tail(s.logs().get(0), 40);
            if (!out.isEmpty()) System.out.println(out);
            return;
        }
        for (RunTask t : run.tasks()) {
            System.out.println("task " + t.index() + " (" + t.status() + "):");
            String out = Logs.tail(Path.of(t.logPath()), 10);
            if (!out.isEmpty()) System.out.println("  " + out.replace("\n", "\n  "));
        }
    }

    /**
     * The command line each task runs (after {@code java … Main}): the subcommands with the options the user gave,
     * without the executor's own; for {@code tile --array-size K}, the slides dealt round-robin over K tasks.
     */
    static List<List<String>> taskArguments(String kind, ParseResult parsed, CommandLine leaf, ExecutorOptions ex) {
        Set<String> skip = RunsResults.executorOptionNames(leaf);
        List<String> options = new ArrayList<>();
        List<String> positionals = new ArrayList<>();
        for (ParseResult p = parsed.subcommand(); p != null; p = p.subcommand()) {
            options.add(p.commandSpec().name());
            for (OptionSpec o : p.matchedOptions()) {
                if (skip.contains(o.longestName())) continue;
                if (o.arity().max() == 0) {
                    options.add(o.longestName());
                } else {
                    for (String v : o.originalStringValues()) options.add(o.longestName() + "=" + v);
                }
            }
            if (p.subcommand() == null) {
                for (PositionalParamSpec pp : p.matchedPositionals()) positionals.addAll(pp.originalStringValues());
            }
        }
        // --debug given before the subcommand: the job prints its errors the same way
        if (Main.debug(parsed) && !options.contains(Main.DEBUG)) options.add(Main.DEBUG);
        if (ex.arraySize <= 1) {
            List<String> all = new ArrayList<>(options);
            if (!positionals.isEmpty()) all.add("--");
            all.addAll(positionals);
            return List.of(all);
        }
        List<Path> slides = SlideFiles.expand(positionals.stream().map(Path::of).toList());
        int k = Math.min(ex.arraySize, slides.size());
        if (k < ex.arraySize) {
            System.err.printf("histoscale: %d slides for --array-size %d: using %d tasks%n", slides.size(), ex.arraySize, k);
        }
        List<List<String>> tasks = new ArrayList<>();
        for (int t = 0; t < k; t++) {
            List<String> argv = new ArrayList<>(options);
            argv.add("--");
            for (int i = t; i < slides.size(); i += k) argv.add(slides.get(i).toAbsolutePath().toString());
            tasks.add(argv);
        }
        return tasks;
    }

    /**
     * {@code java … io.histoscale.cli.Main} with this JVM's java and class path: the launcher's jars, or under Maven
     * the test class path (surefire's own class path is a temporary manifest jar). {@code histoscale.classpath}
     * overrides it.
     */
    static List<String> javaCommand() {
        String classpath = System.getProperty("histoscale.classpath");
        if (classpath == null) classpath = System.getProperty("surefire.test.class.path");
        if (classpath == null) classpath = System.getProperty("java.class.path");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xss4m", "-XX:+UseParallelGC"));
        for (String property : List.of("histoscale.root", "histoscale.shared.data", "ai.djl.offline", "java.awt.headless")) {
            String value = System.getProperty(property);
            if (value != null) cmd.add("-D" + property + "=" + value);
        }
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel="
                + System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        cmd.addAll(List.of("-cp", classpath, Main.class.getName()));
        return cmd;
    }

    /** Jobs' scripts and logs: the run's folder (beside an SQLite registry, runs/ID; else ~/.histoscale/runs/ID). */
    static Path logDir(String location, String id) {
        return RunRegistry.runFolder(location, id);
    }

    private static String absolute(String location) {
        return location.startsWith("jdbc:") ? location : Path.of(location).toAbsolutePath().toString();
    }
}
