package io.histoscale.launch;

import io.histoscale.core.UserException;
import io.histoscale.registry.RunStatus;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A test-only executor, registered from the test sources' {@code META-INF/services}: it runs each task of a job's
 * script in a child {@code bash} and waits for it, so a job has ended when {@link #submit} returns. It shows that an
 * executor is one class and one registration line.
 */
public final class InlineExecutor implements Executor {

    @Override
    public String name() {
        return "inline";
    }

    @Override
    public void check(Resources resources) {
        // runs whatever bash can run here; asks nothing of a scheduler
    }

    @Override
    public Submission submit(Job job) {
        Path script = JobScript.write(job, "");
        List<String> tasks = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int t = 0; t < job.tasks().size(); t++) {
            tasks.add(run(script, t, job.log(t), job.isArray()));
            logs.add(job.log(t));
        }
        return new Submission(tasks.get(0).replaceAll("_.*", ""), tasks, logs, script);
    }

    @Override
    public String resubmit(Path script, int task) {
        return run(script, task, Job.logOf(script.getParent(), true, task), true);
    }

    /** Runs task {@code task} to its end; its id is {@code inline:PID} ({@code inline:PID_TASK} in an array). */
    private static String run(Path script, int task, Path log, boolean array) {
        ProcessBuilder b = new ProcessBuilder("bash", script.toString()).directory(script.getParent().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).redirectErrorStream(true);
        if (array) b.environment().put("SLURM_ARRAY_TASK_ID", Integer.toString(task));
        try {
            Files.deleteIfExists(Job.exitFile(script.getParent(), task));
            Process p = b.start();
            p.waitFor();
            return "inline:" + p.pid() + (array ? "_" + task : "");
        } catch (IOException e) {
            throw new UserException("cannot run " + script + " with bash: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while running " + script);
        }
    }

    @Override
    public JobState state(String taskId, Path logDir, int task) {
        try {
            int exit = Integer.parseInt(Files.readString(Job.exitFile(logDir, task)).strip());
            return new JobState(exit == 0 ? RunStatus.COMPLETED : RunStatus.FAILED, exit, "exit status " + exit);
        } catch (IOException | NumberFormatException e) {
            return new JobState(RunStatus.FAILED, null, taskId + " left no exit status");
        }
    }

    @Override
    public void cancel(String taskId, Path logDir, int task) {
        throw new UserException("inline job " + taskId + " ran to its end when it was submitted; nothing to cancel");
    }
}
