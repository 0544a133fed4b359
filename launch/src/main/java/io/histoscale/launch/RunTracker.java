package io.histoscale.launch;

import io.histoscale.registry.Run;
import io.histoscale.registry.RunRegistry;
import io.histoscale.registry.RunStatus;
import io.histoscale.registry.RunTask;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Keeps the registry's view of submitted runs true to their executors. A run records its own start, metrics and end
 * from inside its job; the tracker fills in what a job cannot say for itself: that it was cancelled, killed, timed out
 * or lost its node (with the tail of its log), and how each array task ended. A failed array task is submitted once
 * more; when it fails again the run is FAILED and names it.
 *
 * <p>An end the tracker records is the time the job ended as far as its files tell ({@link #endTime}), not the time
 * the tracker noticed: a run killed in the night and noticed by the next morning's {@code runs list} took minutes,
 * not hours.
 */
public final class RunTracker {

    /** Lines of log kept in the message of a failed run. */
    public static final int TAIL_LINES = 20;
    /** Submissions of an array task before it counts as failed. */
    public static final int TASK_ATTEMPTS = 2;
    private static final String LOG_MARK = "\n--- log ";

    private final RunRegistry registry;

    public RunTracker(RunRegistry registry) {
        this.registry = registry;
    }

    /** Hands {@code job} to {@code executor} for run {@code runId} and records the job and its tasks. */
    public Submission submit(String runId, Executor executor, Job job) {
        Submission s = executor.submit(job);
        registry.submitted(runId, executor.name(), s.jobId(), s.logs().get(0).toString());
        if (job.isArray()) {
            for (int t = 0; t < s.taskIds().size(); t++) {
                registry.putTask(runId, new RunTask(t, s.taskIds().get(t), RunStatus.PENDING, 1, null,
                        s.logs().get(t).toString(), null));
            }
        }
        return s;
    }

    /** The run, brought up to date with its executor. */
    public Run refresh(String id) {
        Run run = registry.get(id);
        if ("in-process".equals(run.executor())) return refreshInProcess(run);
        if (run.jobId() == null || run.logPath() == null) return run;
        Executor executor = Executor.named(run.executor());
        Path logDir = Path.of(run.logPath()).getParent();
        if (run.isArray()) return refreshArray(run, executor, logDir);
        if (run.status().isFinal()) {
            if (run.status() == RunStatus.FAILED && (run.message() == null || !run.message().contains(LOG_MARK))) {
                // The run said why it failed; add what it printed before, once its job has ended.
                JobState state = executor.state(run.jobId(), logDir, 0);
                if (state.status().isFinal()) {
                    registry.finished(id, RunStatus.FAILED, run.exitCode() != null ? run.exitCode() : state.exitCode(),
                            withTail(run.message() != null ? run.message() : state.detail(), Path.of(run.logPath())),
                            run.endedAt() != null ? run.endedAt()
                                    : endTime(logDir, 0, Path.of(run.logPath()), run.startedAt()));
                    return registry.get(id);
                }
            }
            return run;
        }
        JobState state = executor.state(run.jobId(), logDir, 0);
        if (!state.status().isFinal()) return run;
        Run now = registry.get(id); // the job may have recorded its own end meanwhile
        if (!now.status().isFinal()) {
            String message = state.status() == RunStatus.COMPLETED ? null
                    : withTail(state.detail(), Path.of(run.logPath()));
            registry.finished(id, state.status(), state.exitCode(), message,
                    endTime(logDir, 0, Path.of(run.logPath()), run.startedAt()));
        }
        return refresh(id);
    }

    private Run refreshArray(Run run, Executor executor, Path logDir) {
        if (run.status().isFinal()) return run;
        Path script = logDir.resolve("job.sh");
        boolean anyRunning = false;
        for (RunTask task : run.tasks()) {
            if (task.status().isFinal()) continue;
            JobState state = executor.state(task.jobId(), logDir, task.index());
            if (state.status() == RunStatus.FAILED && task.attempts() < TASK_ATTEMPTS) {
                String again = executor.resubmit(script, task.index());
                registry.putTask(run.id(), new RunTask(task.index(), again, RunStatus.PENDING, task.attempts() + 1,
                        null, task.logPath(), "attempt " + task.attempts() + " failed (" + state.detail()
                        + "); submitted again as " + again));
            } else if (state.status().isFinal()) {
                // A task that completed on a later attempt keeps the note of why the earlier one failed.
                registry.putTask(run.id(), new RunTask(task.index(), task.jobId(), state.status(), task.attempts(),
                        state.exitCode(), task.logPath(), state.status() == RunStatus.COMPLETED ? task.message()
                        : withTail(state.detail(), Path.of(task.logPath()))));
            } else if (state.status() == RunStatus.RUNNING) {
                anyRunning = true;
                if (task.status() != RunStatus.RUNNING) {
                    registry.putTask(run.id(), new RunTask(task.index(), task.jobId(), RunStatus.RUNNING,
                            task.attempts(), null, task.logPath(), task.message()));
                }
            }
        }
        if (anyRunning && run.status() == RunStatus.PENDING) registry.started(run.id(), run.executor());
        List<RunTask> tasks = registry.get(run.id()).tasks();
        if (tasks.stream().allMatch(t -> t.status().isFinal())) {
            List<String> problems = new ArrayList<>();
            for (RunTask t : tasks) {
                if (t.status() != RunStatus.COMPLETED) {
                    problems.add("task " + t.index() + " " + t.status() + " after " + t.attempts() + " attempt(s): "
                            + t.message());
                }
            }
            RunStatus status = problems.isEmpty() ? RunStatus.COMPLETED
                    : tasks.stream().anyMatch(t -> t.status() == RunStatus.FAILED) ? RunStatus.FAILED
                    : RunStatus.CANCELLED;
            Integer exit = status == RunStatus.COMPLETED ? 0 : tasks.stream().map(RunTask::exitCode)
                    .filter(c -> c != null && c != 0).findFirst().orElse(null);
            Instant end = tasks.stream().map(t -> endTime(logDir, t.index(), Path.of(t.logPath()), run.startedAt()))
                    .max(Instant::compareTo).orElseGet(Instant::now);
            registry.finished(run.id(), status, exit, problems.isEmpty() ? null : String.join("\n", problems), end);
        }
        return registry.get(run.id());
    }

    /** A run in a process of this host that vanished without recording its end (killed with -9, power loss). */
    private Run refreshInProcess(Run run) {
        if (run.status().isFinal() || run.jobId() == null || !RunRegistry.hostName().equals(run.host())) return run;
        boolean alive = ProcessHandle.of(Long.parseLong(run.jobId())).map(ProcessHandle::isAlive).orElse(false);
        if (!alive) {
            Run now = registry.get(run.id());
            if (!now.status().isFinal()) {
                registry.finished(run.id(), RunStatus.FAILED, null, "process " + run.jobId()
                        + " ended without recording a result", endTime(registry.runFolder(run.id()), 0, null,
                        run.startedAt()));
            }
        }
        return registry.get(run.id());
    }

    /** Cancels a run (every unfinished task of an array) and returns it once it is recorded as ended. */
    public Run cancel(String id) {
        Run run = registry.get(id);
        if (run.status().isFinal()) return run;
        if ("in-process".equals(run.executor())) {
            if (run.jobId() != null && RunRegistry.hostName().equals(run.host())) {
                ProcessHandle.of(Long.parseLong(run.jobId())).ifPresent(ProcessHandle::destroy);
            }
        } else if (run.jobId() != null) {
            Executor executor = Executor.named(run.executor());
            Path logDir = Path.of(run.logPath()).getParent();
            if (run.isArray()) {
                for (RunTask t : run.tasks()) {
                    if (!t.status().isFinal()) executor.cancel(t.jobId(), logDir, t.index());
                }
            } else {
                executor.cancel(run.jobId(), logDir, 0);
            }
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            run = refresh(id);
            if (run.status().isFinal()) return run;
            sleep(300);
        }
        registry.finished(id, RunStatus.CANCELLED, null, "cancelled by the user");
        return registry.get(id);
    }

    /** Refreshes every {@code pollMillis} until the run ends; returns it ended. */
    public Run await(String id, long pollMillis, java.util.function.Consumer<Run> onPoll) {
        while (true) {
            Run run = refresh(id);
            onPoll.accept(run);
            if (run.status().isFinal() && !awaitingLogTail(run)) return run;
            sleep(pollMillis);
        }
    }

    /**
     * Whether {@link #refresh} could change what the registry says of this run: it has not ended, or it failed and the
     * tail of its log is still to be added. Readers refresh only such runs, and open the registry for writing only then.
     */
    public static boolean mayChange(Run run) {
        return !run.status().isFinal() || awaitingLogTail(run);
    }

    /** A run that recorded its own failure while its job is still finishing; the tail of its log comes next. */
    private static boolean awaitingLogTail(Run run) {
        return run.status() == RunStatus.FAILED && !run.isArray() && !"in-process".equals(run.executor())
                && run.jobId() != null && (run.message() == null || !run.message().contains(LOG_MARK));
    }

    /**
     * When a job or task that did not record its own end ended, as its files tell: the time its script wrote its
     * exit status; else its last sign of life, the later of its {@link Heartbeat} and the last write to its log
     * (SIGKILL, the out-of-memory killer, a lost node: nothing was written after); else now, when nothing tells
     * better. Never before it started, nor after now.
     */
    static Instant endTime(Path folder, int task, Path log, Instant startedAt) {
        Instant now = Instant.now();
        Instant end = modified(Job.exitFile(folder, task)).orElseGet(() -> Stream.of(
                        Heartbeat.last(Heartbeat.file(folder, task)), modified(log))
                .flatMap(Optional::stream).max(Instant::compareTo).orElse(now));
        if (end.isAfter(now)) return now;
        return startedAt != null && end.isBefore(startedAt) ? startedAt : end;
    }

    private static Optional<Instant> modified(Path file) {
        if (file == null) return Optional.empty();
        try {
            return Optional.of(Files.getLastModifiedTime(file).toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static String withTail(String detail, Path log) {
        String tail = Logs.tail(log, TAIL_LINES);
        return detail + LOG_MARK + log + " ---" + (tail.isEmpty() ? " (empty)" : "\n" + tail);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
