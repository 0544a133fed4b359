package io.histoscale.launch;

import io.histoscale.core.UserException;

import java.nio.file.Path;

/**
 * Where a run's work runs: {@code local} (a child process of this machine) or {@code slurm} (a batch job). Both run
 * the same generated script ({@code job.sh} in the run's log folder) and both leave the exit status of each task
 * beside its log, so a run can be followed, cancelled and collected by any later process.
 */
public interface Executor {

    /** {@code local} or {@code slurm}, as recorded in the registry. */
    String name();

    /** Fails with one clear {@link UserException} when this executor cannot run a job asking for {@code resources}. */
    void check(Resources resources);

    /** Writes the job's script and starts or submits it. */
    Submission submit(Job job);

    /** Runs task {@code task} of an earlier job again (a failed array task); returns the new task id. */
    String resubmit(Path script, int task);

    /** The state of a task, by the id {@link #submit} or {@link #resubmit} gave it. */
    JobState state(String taskId, Path logDir, int task);

    /** Stops a job or task; it ends as CANCELLED. */
    void cancel(String taskId, Path logDir, int task);

    /** The executor called {@code name}: local or slurm. */
    static Executor named(String name) {
        return switch (name) {
            case "local" -> new LocalExecutor();
            case "slurm" -> new SlurmExecutor();
            default -> throw new UserException("unknown executor " + name + "; use local or slurm");
        };
    }
}
