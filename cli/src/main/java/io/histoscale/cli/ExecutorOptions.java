package io.histoscale.cli;

import io.histoscale.core.UserException;
import io.histoscale.launch.Executor;
import io.histoscale.launch.Resources;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.util.Iterator;

/**
 * Where a command runs and where it is recorded: {@code --executor NAME} (one of the registered executors, see
 * {@link Executor#names}) with the job's resources, and {@code --store} for the run registry. Mixed into tile, train,
 * stage and federate site; {@link RunsRecorder} acts on it.
 */
public final class ExecutorOptions {

    /** Name of this mixin in a command's spec. */
    public static final String MIXIN = "executor";

    @Option(names = "--executor", paramLabel = "NAME", order = 900, completionCandidates = ExecutorNames.class,
            description = "Hand the run to an executor: ${COMPLETION-CANDIDATES} (local runs a child process with its "
                    + "log captured, slurm a batch job); default: in this process. Every run is recorded in the run "
                    + "registry (see: histoscale runs).")
    String executor;

    /** The registered executors' names, for the help text and shell completion. */
    static final class ExecutorNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Executor.names().iterator();
        }
    }

    @Option(names = "--partition", order = 901, description = "Slurm partition (default: the cluster's default).")
    String partition;

    @Option(names = "--time", order = 902, description = "Slurm time limit, e.g. 30, 2:00:00 or 1-00:00:00.")
    String time;

    @Option(names = "--cpus", order = 903, description = "CPUs per task of the job.")
    int cpus;

    @Option(names = "--gpus", order = 904, description = "GPUs per node of the job.")
    int gpus;

    @Option(names = "--mem", order = 905, description = "Memory per node of the job, e.g. 8G.")
    String memory;

    @Option(names = "--mpi-tasks", order = 906, description = "MPI tasks of the job (srun --mpi=pmix, or mpirun for local).")
    int mpiTasks;

    @Option(names = "--array-size", order = 907, description = "Split the slides over this many array tasks, all "
            + "writing into the one store; a failed task is submitted once more.")
    int arraySize;

    @Option(names = "--detach", order = 908, description = "With --executor: submit, print the run id and return "
            + "(follow it with: histoscale watch RUN).")
    boolean detach;

    @Option(names = "--store", paramLabel = "FILE|JDBC_URL", order = 909,
            description = "Run registry: an SQLite file or a JDBC URL (default: $HISTOSCALE_STORE, else ~/.histoscale/runs.db).")
    String store;

    /** Set in a submitted job: the run it executes, already in the registry. */
    @Option(names = "--run-id", hidden = true)
    String runId;

    /** Set in a submitted array job: the task it executes. */
    @Option(names = "--run-task", hidden = true)
    Integer runTask;

    Resources resources() {
        return Resources.builder().optPartition(partition).optTime(time).optCpus(cpus).optGpus(gpus)
                .optMemory(memory).optMpiTasks(mpiTasks).build();
    }

    /** True when the command should be handed to an executor rather than run here. */
    boolean submits() {
        return executor != null && runId == null;
    }

    void validate(String kind) {
        if (executor != null) {
            try {
                Executor.named(executor);
            } catch (UserException e) {
                // the registry names its configuration key; on the command line that is the option
                throw e.key().isPresent() ? new UserException("--" + e.key().get() + " " + e.detail(), e) : e;
            }
        }
        if (arraySize < 0) throw new UserException("--array-size must be at least 1");
        if (arraySize > 1 && !kind.equals("tile")) {
            throw new UserException("--array-size splits slides over array tasks and is for tile only, not " + kind);
        }
        if (arraySize > 1 && executor == null) {
            throw new UserException("--array-size needs --executor " + Executor.choices());
        }
        if (detach && executor == null) throw new UserException("--detach needs --executor " + Executor.choices());
        if (executor == null && (partition != null || time != null || cpus > 0 || gpus > 0 || memory != null
                || mpiTasks > 0)) {
            throw new UserException("--partition, --time, --cpus, --gpus, --mem and --mpi-tasks are job resources: "
                    + "add --executor " + Executor.choices());
        }
    }

    /** The options of this mixin in {@code line}'s command, or null when it has none. */
    static ExecutorOptions of(CommandLine line) {
        CommandLine.Model.CommandSpec mixin = line.getCommandSpec().mixins().get(MIXIN);
        return mixin == null ? null : (ExecutorOptions) mixin.userObject();
    }
}
