package io.histoscale.cli;

import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.launch.Resources;
import io.histoscale.registry.Studies;
import io.histoscale.search.Search;
import io.histoscale.search.SearchConfig;
import io.histoscale.search.StudySummary;
import io.histoscale.search.TrialState;
import io.histoscale.search.report.StudyPlots;
import io.histoscale.search.study.Study;
import io.histoscale.search.study.WorkerId;
import io.histoscale.search.space.SpaceFile;
import io.histoscale.search.worker.TrainingTrial;
import io.histoscale.search.worker.Worker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code histoscale search}: automated hyper-parameter and architecture search, studies kept in the registry. */
@Command(name = "search", description = {
        "Automated search for the best training settings and architecture.",
        "Trials are proposed by a sampler (random, tpe, evolution, rl) and poor ones stopped early by a scheduler "
                + "(asha, hyperband); each trial is an ordinary run.",
        "Studies live in the run registry: many workers (threads, local processes, Slurm jobs) share one, and "
                + "search resume continues one whose driver was killed."},
        subcommands = {SearchCommand.RunSearch.class, SearchCommand.Resume.class, SearchCommand.WorkerCommand.class,
                SearchCommand.Show.class, SearchCommand.Pareto.class, SearchCommand.Best.class,
                SearchCommand.ListStudies.class})
final class SearchCommand extends CommandGroup {

    /** The registry option every subcommand has. */
    static class StoreOption {
        @Option(names = "--store", paramLabel = "FILE|JDBC_URL", order = 50,
                description = "Run registry holding the studies (default: $HISTOSCALE_STORE, else ~/.histoscale/runs.db).")
        String store;

        Studies studies() {
            return Studies.open(store);
        }
    }

    /** How workers are put on a study: shared by run and resume. */
    static class WorkerOptions extends StoreOption {
        @Option(names = "--workers", defaultValue = "1", order = 20,
                description = "Workers training trials at once (default ${DEFAULT-VALUE}).")
        int workers;

        @Option(names = "--executor", order = 21,
                description = "Where workers run: in-process (one worker, in this command), local (child processes) "
                        + "or slurm (one array job of --workers tasks pulling trials from the study). Default: "
                        + "in-process for one worker, local for more.")
        String executor;

        /** The executor asked for, or the default for the number of workers. */
        String executor() {
            return executor != null ? executor : workers == 1 ? Search.IN_PROCESS : "local";
        }

        @Option(names = "--detach", order = 22, description = "With local or slurm: submit the workers and return.")
        boolean detach;

        @Option(names = "--partition", order = 23, description = "Slurm partition of the worker jobs.")
        String partition;

        @Option(names = "--time", order = 24, description = "Slurm time limit of each worker, e.g. 2:00:00.")
        String time;

        @Option(names = "--cpus", order = 25, description = "CPUs of each worker job.")
        int cpus;

        @Option(names = "--gpus", order = 26, description = "GPUs of each worker job (give --set device=gpu too).")
        int gpus;

        @Option(names = "--mem", order = 27, description = "Memory of each worker job, e.g. 8G.")
        String memory;

        Search.Launch launch() {
            if (workers < 1) throw new UserException("--workers " + workers + ": give at least 1");
            if (detach && Search.IN_PROCESS.equals(executor())) {
                throw new UserException("--detach needs --executor local or slurm");
            }
            if (workers > 1 && Search.IN_PROCESS.equals(executor())) {
                // DJL records gradients with one recorder per process: two trainings in one process cannot overlap
                throw new UserException("--executor in-process runs one worker; for --workers " + workers
                        + " give --executor local (child processes) or slurm");
            }
            return new Search.Launch(workers, executor(), Resources.builder().optPartition(partition).optTime(time)
                    .optCpus(cpus).optGpus(gpus).optMemory(memory).build(), CliCommand.javaCommand(), detach,
                    TrainCommand.codeVersion());
        }

        int drive(Study study) {
            Search.Launch launch = launch();
            TrialsBar bar = new TrialsBar(study);
            try {
                Search.drive(study, launch, bar::line);
            } finally {
                bar.close();
            }
            if (detach) {
                System.out.println("follow it with: histoscale search show " + study.name());
                return 0;
            }
            StudySummary s = StudySummary.of(study);
            System.out.println(s.progressLine());
            if (!s.done()) {
                System.out.println("the study is not finished: continue it with histoscale search resume "
                        + study.name());
                return Failures.FAILED;
            }
            return 0;
        }
    }

    /** A bar of the study's ended trials (with elapsed time and ETA), and its progress lines printed above it. */
    static final class TrialsBar {
        private final Study study;
        private me.tongfei.progressbar.ProgressBar bar;

        TrialsBar(Study study) {
            this.study = study;
            open();
        }

        private void open() {
            StudySummary s = StudySummary.of(study);
            bar = ProgressBars.bar("study " + study.name(), s.config().trials(), " trials");
            bar.stepTo(s.finished());
        }

        synchronized void line(String text) {
            bar.close();
            System.out.println(text);
            open();
        }

        synchronized void close() {
            bar.close();
        }
    }

    @Command(name = "run", description = "Start a study (or continue one of the same name and settings) and train its "
            + "trials.")
    static final class RunSearch extends WorkerOptions implements Callable<Integer> {
        @Option(names = "--space", required = true, paramLabel = "YAML", order = 1,
                description = "Search space: one key per parameter (a training setting, or arch.GENE of the cnn "
                        + "family), e.g. learning_rate: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}.")
        Path space;

        @Option(names = "--data", required = true, paramLabel = "STORE", order = 2,
                description = "Patch store (or folder of class sub-folders) every trial trains and validates on.")
        Path data;

        @Option(names = "--study", required = true, order = 3, description = "The study's name.")
        String study;

        @Option(names = "--metric", defaultValue = "val_auc", order = 4,
                description = "Validation metric to optimise: val_auc, val_accuracy or val_loss (default ${DEFAULT-VALUE}).")
        String metric;

        @Option(names = "--sampler", defaultValue = "tpe", order = 5,
                description = "random, tpe, evolution or rl (default ${DEFAULT-VALUE}).")
        String sampler;

        @Option(names = "--sampler-opt", paramLabel = "KEY=VALUE", order = 6,
                description = "A sampler setting, e.g. startup=8 (tpe), population=16 (evolution).")
        Map<String, String> samplerOptions = new LinkedHashMap<>();

        @Option(names = "--scheduler", defaultValue = "asha", order = 7,
                description = "none, asha or hyperband (default ${DEFAULT-VALUE}).")
        String scheduler;

        @Option(names = "--scheduler-opt", paramLabel = "KEY=VALUE", order = 8,
                description = "A scheduler setting: min_epochs=1, eta=3.")
        Map<String, String> schedulerOptions = new LinkedHashMap<>();

        @Option(names = "--trials", defaultValue = "60", order = 9, description = "Trials in the study (default ${DEFAULT-VALUE}).")
        int trials;

        @Option(names = "--seed", defaultValue = "0", order = 10, description = "Seed of the sampler (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--set", paramLabel = "KEY=VALUE", order = 11,
                description = "A training setting every trial starts from (the space's values replace it), e.g. "
                        + "threads=2, val_fraction=0.2, group_by=slide.")
        Map<String, String> training = new LinkedHashMap<>();

        @Option(names = "--out", paramLabel = "DIR", order = 12,
                description = "Folder of the trials' run folders (default: searches/STUDY).")
        Path out;

        @Option(names = "--heartbeat", defaultValue = "60", order = 13,
                description = "Seconds without a heartbeat after which a trial's worker is taken for dead and the "
                        + "trial handed out again (default ${DEFAULT-VALUE}).")
        double heartbeat;

        @Option(names = "--max-attempts", defaultValue = "3", order = 14,
                description = "Times a trial is handed out before it is FAILED for good (default ${DEFAULT-VALUE}).")
        int maxAttempts;

        @Option(names = "--epoch-budget", defaultValue = "0", order = 15,
                description = "Stop handing out trials once all trials together have trained this many epochs "
                        + "(default 0: no budget, --trials decides).")
        int epochBudget;

        @Override
        public Integer call() {
            Map<String, Object> settings = new LinkedHashMap<>();
            training.forEach((k, v) -> settings.put(k, v));
            if (!settings.containsKey("threads")) {
                int cores = cpus > 0 ? cpus : Runtime.getRuntime().availableProcessors();
                settings.put("threads", Math.max(1, Search.IN_PROCESS.equals(executor()) || "local".equals(executor())
                        ? cores / workers : cores));
            }
            if (!settings.containsKey("workers")) settings.put("workers", 1);
            if (gpus > 0 && !settings.containsKey("device")) settings.put("device", "gpu"); // the jobs' GPUs, used
            String spaceText;
            try {
                spaceText = SpaceFile.text(space);
                SpaceFile.parse(space, spaceText); // one line naming the file for a bad space
            } catch (UserException e) {
                throw new UserException("--space " + e.getMessage(), e);
            }
            if (!Files.exists(data)) {
                throw new UserException("--data " + data + ": no such store or folder");
            }
            Path folder = (out != null ? out : Path.of("searches", study)).toAbsolutePath().normalize();
            SearchConfig config;
            try {
                config = new SearchConfig(study, spaceText, data.toAbsolutePath().normalize().toString(),
                        folder.toString(), metric, sampler, new LinkedHashMap<>(samplerOptions), scheduler,
                        new LinkedHashMap<>(schedulerOptions), trials, seed, settings, heartbeat, maxAttempts, epochBudget);
            } catch (UserException e) {
                throw e.key().isPresent() ? new UserException("--" + e.key().get().replace('_', '-') + " "
                        + e.detail(), e) : e;
            }
            Study s;
            try {
                s = Search.create(studies(), config);
            } catch (UserException e) {
                throw e.key().isPresent() && !e.key().get().equals("store") ? new UserException("--space " + space
                        + ": " + e.getMessage(), e) : e;
            }
            System.out.printf("study %s: %d trials, sampler %s, scheduler %s, %s; trials in %s%n", study, trials,
                    sampler, scheduler, metric, folder);
            return drive(s);
        }
    }

    @Command(name = "resume", description = {"Continue a study whose driver stopped, to its number of trials.",
            "Trials of dead workers are handed out again and continued from their last checkpoint."})
    static final class Resume extends WorkerOptions implements Callable<Integer> {
        @Parameters(paramLabel = "STUDY", description = "The study's name.")
        String study;

        @Override
        public Integer call() {
            return drive(Study.open(studies(), study));
        }
    }

    @Command(name = "worker", description = "Pull trials from a study and train them until it has none left (what "
            + "the worker jobs of --executor local or slurm run).")
    static final class WorkerCommand extends StoreOption implements Callable<Integer> {
        @Option(names = "--study", required = true, description = "The study's name.")
        String study;

        @Override
        public Integer call() {
            Study s = Study.open(studies(), study);
            Studies store = s.store();
            int done = new Worker(s, new TrainingTrial(s.config(), store.location(), TrainCommand.codeVersion()),
                    WorkerId.current(0), System.out::println).run();
            System.out.printf("worker %s: %d trials finished; %s%n", WorkerId.current(0), done,
                    StudySummary.of(s).progressLine());
            return 0;
        }
    }

    @Command(name = "show", description = "A study's leaderboard, best parameters, trials by state and epochs spent.")
    static final class Show extends StoreOption implements Callable<Integer> {
        @Parameters(paramLabel = "STUDY", description = "The study's name.")
        String study;

        @Option(names = "--top", defaultValue = "10", description = "Trials on the leaderboard (default ${DEFAULT-VALUE}).")
        int top;

        @Option(names = "--json", description = "Print the study as one JSON object.")
        boolean json;

        @Option(names = "--plots", paramLabel = "DIR", description = "Also write its figures into DIR: "
                + "history.png, parallel.png, importance.png, pareto.png.")
        Path plots;

        @Override
        public Integer call() {
            StudySummary s = StudySummary.of(Study.open(studies(), study));
            List<Path> figures = plots == null ? List.of() : writePlots(s, null, plots);
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("study", study);
                o.put("config", s.config());
                o.put("by_state", s.byState());
                o.put("epochs", s.epochs());
                o.put("best", s.best() == null ? null : trialJson(s.best()));
                o.put("trials", s.trials().stream().map(SearchCommand::trialJson).toList());
                if (plots != null) o.put("plots", figures.stream().map(Path::toString).toList());
                System.out.println(Json.line(o));
                return 0;
            }
            System.out.println(s.progressLine());
            Study.TrialView best = s.best();
            if (best != null) {
                System.out.printf(Locale.ROOT, "best: trial %d, %s %.4f, %d epochs, run %s%n  %s%n", best.number(),
                        s.config().metric(), best.value(), best.epochs(), best.runId(), best.params());
            }
            System.out.printf("%-6s %-9s %10s %6s  %s%n", "TRIAL", "STATE", s.config().metric().toUpperCase(Locale.ROOT),
                    "EPOCHS", "PARAMETERS");
            s.leaderboard().stream().limit(top).forEach(t -> System.out.printf(Locale.ROOT, "%-6d %-9s %10.4f %6d  %s%n",
                    t.number(), t.state(), t.value(), t.epochs(), t.params()));
            s.trials().stream().filter(t -> t.state() == TrialState.FAILED).forEach(t -> System.out.printf(
                    "%-6d %-9s %10s %6d  %s%n", t.number(), t.state(), "-", t.epochs(), t.message()));
            figures.forEach(f -> System.out.println("wrote " + f));
            return 0;
        }
    }

    /** Writes the study's figures into {@code dir}; {@code models} read from the trials' run folders when null. */
    static List<Path> writePlots(StudySummary s, List<StudyPlots.ModelPoint> models, Path dir) {
        List<StudyPlots.ModelPoint> points = models != null ? models : StudyPlots.models(s.config(), s.trials());
        try {
            return StudyPlots.write(s, points, dir);
        } catch (java.io.UncheckedIOException e) {
            throw new UserException("--plots " + dir + ": " + e.getMessage(), e);
        }
    }

    @Command(name = "pareto", description = {"The trials' networks by size, with the Pareto front of metric against "
            + "parameters.",
            "Architecture, trainable parameters, MACs per image and metric, fewest parameters first; the front (no "
                    + "COMPLETE trial with no more parameters does better) is marked *."})
    static final class Pareto extends StoreOption implements Callable<Integer> {
        @Parameters(paramLabel = "STUDY", description = "The study's name.")
        String study;

        @Option(names = "--json", description = "Print the trials and the front as one JSON object.")
        boolean json;

        @Option(names = "--plots", paramLabel = "DIR", description = "Also write the study's figures into DIR "
                + "(pareto.png with the others, as search show --plots).")
        Path plots;

        @Override
        public Integer call() {
            StudySummary s = StudySummary.of(Study.open(studies(), study));
            SearchConfig c = s.config();
            List<StudyPlots.ModelPoint> points = new java.util.ArrayList<>(StudyPlots.models(c, s.trials()));
            points.sort(java.util.Comparator.comparingLong(StudyPlots.ModelPoint::parameters)
                    .thenComparingInt(StudyPlots.ModelPoint::trial));
            java.util.Set<Integer> front = new java.util.HashSet<>();
            StudyPlots.completeFront(points, c.maximise()).forEach(p -> front.add(p.trial()));
            List<Path> figures = plots == null ? List.of() : writePlots(s, points, plots);
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("study", study);
                o.put("metric", c.metric());
                o.put("maximise", c.maximise());
                o.put("trials", points.stream().map(p -> {
                    Map<String, Object> t = new LinkedHashMap<>();
                    t.put("trial", p.trial());
                    t.put("state", p.state());
                    t.put("architecture", p.architecture());
                    t.put("parameters", p.parameters());
                    t.put("macs", p.macs() < 0 ? null : p.macs());
                    t.put("value", p.value());
                    t.put("front", front.contains(p.trial()));
                    return t;
                }).toList());
                o.put("front", points.stream().map(StudyPlots.ModelPoint::trial).filter(front::contains).toList());
                if (plots != null) o.put("plots", figures.stream().map(Path::toString).toList());
                System.out.println(Json.line(o));
                return 0;
            }
            if (points.isEmpty()) {
                System.out.println("study " + study + ": no COMPLETE or PRUNED trial has a run folder with run.json in "
                        + c.out() + " yet");
            } else {
                System.out.printf("%-6s %-5s %-9s %-28s %12s %10s %10s%n", "TRIAL", "FRONT", "STATE", "ARCHITECTURE",
                        "PARAMETERS", "MACS", c.metric().toUpperCase(Locale.ROOT));
                for (StudyPlots.ModelPoint p : points) {
                    System.out.printf(Locale.ROOT, "%-6d %-5s %-9s %-28s %,12d %10s %10.4f%n", p.trial(),
                            front.contains(p.trial()) ? "*" : "", p.state(), p.architecture(), p.parameters(),
                            p.macs() < 0 ? "-" : StudyPlots.count(p.macs()), p.value());
                }
                System.out.printf("%d on the front (*): no other COMPLETE trial has no more parameters and a better %s, or "
                        + "fewer parameters and as good a one%n", front.size(), c.metric());
            }
            figures.forEach(f -> System.out.println("wrote " + f));
            return 0;
        }
    }

    static Map<String, Object> trialJson(Study.TrialView t) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("number", t.number());
        o.put("state", t.state());
        o.put("value", t.value());
        o.put("epochs", t.epochs());
        o.put("params", t.params());
        o.put("run", t.runId());
        o.put("attempts", t.attempts());
        o.put("started", t.startedAt() == null ? null : t.startedAt().toString());
        o.put("ended", t.endedAt() == null ? null : t.endedAt().toString());
        o.put("reported", t.reported());
        o.put("message", t.message());
        return o;
    }

    @Command(name = "best", description = "Save the best trial as a normal run folder, for evaluate and stage.")
    static final class Best extends StoreOption implements Callable<Integer> {
        @Parameters(paramLabel = "STUDY", description = "The study's name.")
        String study;

        @Option(names = "--out", required = true, paramLabel = "RUN", description = "The new run folder (absent or empty).")
        Path out;

        @Override
        public Integer call() {
            Study s = Study.open(studies(), study);
            Study.TrialView best = s.best().orElseThrow(() -> new UserException("study " + study
                    + " has no COMPLETE trial yet: run or resume it first"));
            Path from = Path.of(s.config().out()).resolve(String.format("trial-%04d", best.number()));
            io.histoscale.search.BestRun.copy(from, out);
            System.out.printf(Locale.ROOT, "trial %d (%s %.4f) saved as %s: histoscale evaluate --model %s --data …%n",
                    best.number(), s.config().metric(), best.value(), out, out);
            return 0;
        }
    }

    @Command(name = "list", description = "The studies in the registry, newest first.")
    static final class ListStudies extends StoreOption implements Callable<Integer> {
        @Override
        public Integer call() {
            Studies store = studies();
            for (Studies.Study st : store.list()) {
                System.out.println(StudySummary.of(Study.open(store, st.name())).progressLine());
            }
            return 0;
        }
    }
}
