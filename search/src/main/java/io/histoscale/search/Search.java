package io.histoscale.search;

import io.histoscale.launch.Executor;
import io.histoscale.launch.Job;
import io.histoscale.launch.Resources;
import io.histoscale.launch.RunTracker;
import io.histoscale.launch.Submission;
import io.histoscale.registry.Run;
import io.histoscale.registry.RunRegistry;
import io.histoscale.registry.Studies;
import io.histoscale.search.study.Study;
import io.histoscale.search.study.WorkerId;
import io.histoscale.search.worker.TrainingTrial;
import io.histoscale.search.worker.TrialRunner;
import io.histoscale.search.worker.Worker;
import io.histoscale.train.DataSources;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Starts and drives a study: checks its space against the data, records it, and puts workers on it — threads of
 * this process ({@value #IN_PROCESS}), or the tasks of one job of a {@link Executor} ({@code local} processes, a
 * Slurm array) that each run {@code histoscale search worker}. The study lives in the registry, so the driver may
 * die: {@link #drive} on the same study later (what {@code search resume} does) continues it.
 */
public final class Search {

    /** The executor name for workers that are threads of the driver. */
    public static final String IN_PROCESS = "in-process";

    private Search() {
    }

    /**
     * How to put workers on a study.
     *
     * @param workers       how many workers
     * @param executor      {@value #IN_PROCESS}, or an {@link Executor}'s name
     * @param resources     what each worker job asks for (CPUs, GPUs, time, partition)
     * @param workerCommand the command that runs this HistoScale's command line in another process
     *                      ({@code java … Main}); the worker's arguments are appended
     * @param detach        submit the workers and return at once
     * @param codeVersion   HistoScale's version, recorded in the trials' runs
     */
    public record Launch(int workers, String executor, Resources resources, List<String> workerCommand,
                         boolean detach, String codeVersion) {
    }

    /**
     * Checks a new study's space against its data and makes it (or opens it when it exists with the same settings).
     *
     * @throws io.histoscale.core.UserException for a bad space, data or settings; nothing is recorded then
     */
    public static Study create(Studies store, SearchConfig config) {
        int side;
        try (DataSources.Opened data = DataSources.open(Path.of(config.data()), 0)) {
            side = Math.min(data.info().width(), data.info().height());
        }
        SpaceCheck.check(config.searchSpace(), config.training(), side);
        return Study.create(store, config);
    }

    /**
     * Puts {@code launch.workers()} workers on the study and, unless detached, waits until it is done.
     *
     * @param log where progress lines go
     * @return the run that records the worker job, or null for in-process workers
     */
    public static String drive(Study study, Launch launch, Consumer<String> log) {
        if (IN_PROCESS.equals(launch.executor())) {
            runInProcess(study, launch, log);
            return null;
        }
        Executor executor = Executor.named(launch.executor());
        executor.check(launch.resources());
        try (RunRegistry registry = RunRegistry.open(study.store().location())) {
            String location = registry.location();
            String id = registry.newRun("search")
                    .setCommand(List.of("search", "run", study.name()))
                    .optConfig(java.util.Map.of("study", study.name(), "workers", launch.workers()))
                    .optExecutor(executor.name()).optWorkDir(study.config().out()).create();
            Job.Builder job = Job.builder().setName("histoscale-search-" + study.name())
                    .setLogDir(registry.runFolder(id).resolve("logs")).optResources(launch.resources());
            for (int w = 0; w < launch.workers(); w++) {
                List<String> argv = new ArrayList<>(launch.workerCommand());
                argv.addAll(List.of("search", "worker", "--study", study.name(), "--store", location));
                job.addTask(argv);
            }
            RunTracker tracker = new RunTracker(registry);
            Submission s = tracker.submit(id, executor, job.build());
            log.accept(String.format("study %s: %d worker(s) as %s job %s (run %s); logs in %s", study.name(),
                    launch.workers(), executor.name(), s.jobId(), id, s.script().getParent()));
            if (launch.detach()) {
                return id;
            }
            int[] seen = {-1};
            Run end = tracker.await(id, 2000, run -> progress(study, seen, log));
            progress(study, seen, log);
            log.accept("workers' job " + end.status().name().toLowerCase(java.util.Locale.ROOT)
                    + (end.message() == null ? "" : ": " + end.message().lines().findFirst().orElse("")));
            return id;
        }
    }

    /**
     * One worker in this process. (DJL records gradients with one recorder per process, so two trainings cannot
     * overlap in one: more workers are processes.)
     */
    private static void runInProcess(Study study, Launch launch, Consumer<String> log) {
        if (launch.workers() != 1) {
            throw new io.histoscale.core.UserException(IN_PROCESS + " runs one worker; for " + launch.workers()
                    + " give the executor local or slurm");
        }
        TrialRunner runner = new TrainingTrial(study.config(), study.store().location(), launch.codeVersion());
        new Worker(study, runner, WorkerId.current(0), log).run();
    }

    private static void progress(Study study, int[] seen, Consumer<String> log) {
        StudySummary s = StudySummary.of(study);
        if (s.finished() != seen[0]) {
            seen[0] = s.finished();
            log.accept(s.progressLine());
        }
    }
}
