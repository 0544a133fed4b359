package io.histoscale.cli;

import io.histoscale.core.UserException;
import io.histoscale.launch.Heartbeat;
import io.histoscale.registry.RunRegistry;
import io.histoscale.registry.RunStatus;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one place runs are recorded: picocli's execution strategy for the whole command line. A command that mixes in
 * {@link ExecutorOptions} is either handed to its executor ({@code --executor NAME}, see
 * {@link ExecutorLaunch}) or run here and recorded in the run registry: RUNNING when it starts, then COMPLETED or
 * FAILED with its exit status, final metrics and artefacts; CANCELLED when a signal (Ctrl-C, scancel) stops it.
 * While it runs, its {@link Heartbeat} beats in the run's folder, so that a process killed outright is recorded as
 * ended when it died.
 * Commands without the mixin run unchanged.
 */
final class RunsRecorder implements CommandLine.IExecutionStrategy {

    @Override
    public int execute(ParseResult parsed) {
        List<CommandLine> chain = parsed.asCommandLineList();
        CommandLine leaf = chain.get(chain.size() - 1);
        ExecutorOptions ex = ExecutorOptions.of(leaf);
        if (ex == null || helpRequested(chain) || !recordingRank(ex)) return new CommandLine.RunLast().execute(parsed);
        String kind = RunsResults.kind(chain);
        RunRegistry registry;
        try {
            ex.validate(kind);
            if (ex.submits()) {
                if (leaf.getCommand() instanceof Submittable s) s.checkBeforeSubmit();
                return ExecutorLaunch.submit(kind, parsed, leaf, ex);
            }
            registry = openForRecording(ex);
        } catch (CommandLine.ExecutionException | CommandLine.ParameterException e) {
            throw e;
        } catch (RuntimeException e) {
            // errors before the command runs take the same path as the command's own: one line
            throw new CommandLine.ExecutionException(leaf, e.getMessage(), e);
        }
        if (registry == null) return new CommandLine.RunLast().execute(parsed);
        try (registry) {
            return runHere(kind, parsed, leaf, ex, registry);
        } catch (CommandLine.ExecutionException | CommandLine.ParameterException e) {
            throw e;
        } catch (RuntimeException e) {
            // the registry failed while recording (read-only, disk full): the same one line
            throw new CommandLine.ExecutionException(leaf, e.getMessage(), e);
        }
    }

    private static int runHere(String kind, ParseResult parsed, CommandLine leaf, ExecutorOptions ex,
                               RunRegistry registry) {
        String id = ex.runId;
        if (id == null) {
            id = registry.newRun(kind).setCommand(parsed.originalArgs()).optConfig(RunsResults.config(leaf))
                    .optMetricsFile(RunsResults.metricsFile(kind, leaf)).create();
            registry.submitted(id, "in-process", Long.toString(ProcessHandle.current().pid()), null);
        }
        Integer task = ex.runTask;
        // An array task's state is the tracker's to record, from the scheduler (it may be submitted again).
        if (task == null) registry.started(id, RunRegistry.hostName());
        String runId = id;
        AtomicBoolean ended = new AtomicBoolean();
        // Under Slurm a signal may mean cancel, time limit or requeue: the tracker reads which from Slurm.
        boolean slurmJob = System.getenv("SLURM_JOB_ID") != null;
        Thread onSignal = new Thread(() -> {
            if (ended.compareAndSet(false, true) && task == null && !slurmJob) {
                registry.finished(runId, RunStatus.CANCELLED, 143, "stopped by a signal before it finished");
            }
        }, "histoscale-run-cancelled");
        Runtime.getRuntime().addShutdownHook(onSignal);
        int status = 1;
        String message = null;
        // when this process dies without recording its end (kill -9), the last beat says when
        Heartbeat heartbeat = Heartbeat.start(Heartbeat.file(registry.runFolder(id), task == null ? 0 : task));
        try {
            status = new CommandLine.RunLast().execute(parsed);
            return status;
        } catch (CommandLine.ExecutionException e) {
            Failures.Failure failure = Failures.of(e.getCause() != null ? e.getCause() : e, leaf.getCommandSpec());
            status = failure.status();
            message = "histoscale: error: " + failure.line()
                    + (failure.bug() ? " (" + (e.getCause() != null ? e.getCause() : e) + ")" : "");
            throw e;
        } finally {
            heartbeat.close();
            if (ended.compareAndSet(false, true)) {
                try {
                    Runtime.getRuntime().removeShutdownHook(onSignal);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting; the hook has nothing left to do
                }
                record(kind, leaf, registry, runId, task, status, message);
            }
        }
    }

    private static void record(String kind, CommandLine leaf, RunRegistry registry, String id, Integer task,
                               int status, String message) {
        registry.putMetrics(id, RunsResults.metrics(kind, leaf));
        registry.putArtefacts(id, RunsResults.artefacts(kind, leaf));
        // An array task's end is recorded by whoever follows the array, from the scheduler (it may be re-submitted).
        if (task == null) {
            registry.finished(id, status == 0 ? RunStatus.COMPLETED : RunStatus.FAILED, status,
                    status == 0 ? null : message != null ? message : "exit status " + status);
        }
    }

    /** The registry to record in: --store (which must work), else the default (a warning when it does not). */
    private static RunRegistry openForRecording(ExecutorOptions ex) {
        if (ex.store != null || ex.runId != null) return RunRegistry.open(ex.store);
        try {
            return RunRegistry.open(null);
        } catch (UserException e) {
            System.err.println("histoscale: warning: this run is not recorded: " + e.getMessage());
            return null;
        }
    }

    /**
     * Whether this process records the run. MPI ranks started by a recording parent (train --ranks N runs mpirun) do
     * not; under srun the ranks carry --run-id and rank 0 records for all.
     */
    private static boolean recordingRank(ExecutorOptions ex) {
        for (String name : List.of("OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK")) {
            String rank = System.getenv(name);
            if (rank != null) return rank.equals("0") && ex.runId != null;
        }
        return true;
    }

    private static boolean helpRequested(List<CommandLine> chain) {
        return chain.stream().anyMatch(c -> c.isUsageHelpRequested() || c.isVersionHelpRequested());
    }
}
