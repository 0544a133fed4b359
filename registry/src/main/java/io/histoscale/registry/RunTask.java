package io.histoscale.registry;

/**
 * One task of an array run: the job that ran it, its state, how many times it was submitted, its exit code and log.
 */
public record RunTask(int index, String jobId, RunStatus status, int attempts, Integer exitCode, String logPath,
                      String message) {

    public RunTask withStatus(RunStatus newStatus, Integer newExitCode, String newMessage) {
        return new RunTask(index, jobId, newStatus, attempts, newExitCode, logPath, newMessage);
    }
}
