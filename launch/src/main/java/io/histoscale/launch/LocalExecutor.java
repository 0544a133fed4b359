package io.histoscale.launch;

import io.histoscale.core.UserException;
import io.histoscale.registry.RunStatus;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs jobs as child processes of this machine, with the same script Slurm would get: output goes to the task's log,
 * the exit status to a file beside it. Array tasks run one after another (this machine is one node). Ids are
 * {@code local:PID} (and {@code local:PID_TASK} for array tasks), so any later process can follow or stop them.
 */
public final class LocalExecutor implements Executor {

    private static final String PREFIX = "local:";

    @Override
    public String name() {
        return "local";
    }

    @Override
    public void check(Resources r) {
        int cores = Runtime.getRuntime().availableProcessors();
        if (r.cpus() > cores) {
            throw UserException.forKey("cpus", r.cpus() + " is more than the " + cores + " CPUs of this machine; ask"
                    + " for at most " + cores + " or run with the Slurm executor");
        }
        if (r.gpus() > 0 && Shell.find("nvidia-smi") == null) {
            throw UserException.forKey("gpus", r.gpus() + ": this machine shows no NVIDIA GPU (no nvidia-smi); ask"
                    + " for none, or run with the Slurm executor on a GPU partition");
        }
    }

    @Override
    public Submission submit(Job job) {
        check(job.resources());
        int ranks = job.resources().mpiTasks();
        String launcher = ranks > 1 ? "mpirun " + (isRoot() ? "--allow-run-as-root " : "") + "--oversubscribe -np " + ranks : "";
        Path script = JobScript.write(job, launcher);
        StringBuilder driver = new StringBuilder();
        for (int t = 0; t < job.tasks().size(); t++) {
            SlurmExecutor.deleteExitFile(job.logDir(), t);
            driver.append(taskLine(script, t, job.log(t), job.isArray())).append('\n');
        }
        long pid = start(driver.toString(), job.logDir());
        List<String> tasks = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int t = 0; t < job.tasks().size(); t++) {
            tasks.add(PREFIX + pid + (job.isArray() ? "_" + t : ""));
            logs.add(job.log(t));
        }
        return new Submission(PREFIX + pid, tasks, logs, script);
    }

    @Override
    public String resubmit(Path script, int task) {
        Path logDir = script.getParent();
        SlurmExecutor.deleteExitFile(logDir, task);
        deleteQuietly(cancelledMarker(logDir, task));
        long pid = start(taskLine(script, task, Job.logOf(logDir, true, task), true), logDir);
        return PREFIX + pid + "_" + task;
    }

    private static String taskLine(Path script, int task, Path log, boolean array) {
        return (array ? "SLURM_ARRAY_TASK_ID=" + task + " " : "") + "bash " + JobScript.quote(script.toString())
                + " >> " + JobScript.quote(log.toString()) + " 2>&1";
    }

    private static long start(String commands, Path logDir) {
        try {
            Process p = new ProcessBuilder("bash", "-c", commands).directory(logDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
            return p.pid();
        } catch (IOException e) {
            throw new UserException("cannot start bash for a local job: " + e.getMessage());
        }
    }

    @Override
    public JobState state(String taskId, Path logDir, int task) {
        Integer exit = SlurmExecutor.exitStatus(logDir, task);
        if (Files.exists(cancelledMarker(logDir, task))) {
            return new JobState(RunStatus.CANCELLED, exit, "cancelled");
        }
        if (exit != null) {
            return new JobState(exit == 0 ? RunStatus.COMPLETED : RunStatus.FAILED, exit, "exit status " + exit);
        }
        if (process(taskId).map(ProcessHandle::isAlive).orElse(false)) {
            boolean array = taskId.contains("_");
            boolean begun = !array || Files.exists(Job.logOf(logDir, true, task));
            return new JobState(begun ? RunStatus.RUNNING : RunStatus.PENDING, null, begun ? "running" : "waiting");
        }
        // Re-check: the status file may have landed between the two looks.
        exit = SlurmExecutor.exitStatus(logDir, task);
        if (exit != null) {
            return new JobState(exit == 0 ? RunStatus.COMPLETED : RunStatus.FAILED, exit, "exit status " + exit);
        }
        return new JobState(RunStatus.FAILED, null, "process " + taskId + " ended without an exit status (killed?)");
    }

    @Override
    public void cancel(String taskId, Path logDir, int task) {
        try {
            Files.writeString(cancelledMarker(logDir, task), "cancelled\n");
        } catch (IOException e) {
            throw new UserException("cannot mark " + taskId + " cancelled in " + logDir + ": " + e.getMessage());
        }
        process(taskId).ifPresent(p -> {
            // TERM first, so the run records itself as cancelled; KILL what is left after 10 s.
            List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
            all.add(p);
            all.forEach(ProcessHandle::destroy);
            for (ProcessHandle h : all) {
                try {
                    h.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    h.destroyForcibly();
                }
            }
        });
    }

    private static Optional<ProcessHandle> process(String taskId) {
        if (!taskId.startsWith(PREFIX)) return Optional.empty();
        String pid = taskId.substring(PREFIX.length()).replaceAll("_.*", "");
        try {
            return ProcessHandle.of(Long.parseLong(pid));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Path cancelledMarker(Path logDir, int task) {
        return logDir.resolve("cancelled-" + task);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a stale marker only matters if it survives; the next look reports it
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
