package io.histoscale.launch;

import io.histoscale.core.UserException;
import io.histoscale.registry.Run;
import io.histoscale.registry.RunRegistry;
import io.histoscale.registry.RunStatus;
import io.histoscale.registry.RunTask;
import io.histoscale.testkit.LocalSlurm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Both executors against the real thing: child processes, and the one-node Slurm cluster of scripts/slurm-local.sh
 * (skipped with the reason when this machine cannot run it). Plain shell jobs, so only the executor and the tracker
 * decide what the registry says.
 */
@Tag("slurm")
class ExecutorTest {

    private static LocalSlurm slurm;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSlurm() {
        if (LocalSlurm.whyUnavailable() == null) slurm = LocalSlurm.start();
    }

    @AfterAll
    static void stopSlurm() {
        if (slurm != null) slurm.close();
    }

    private static Executor executor(String name) {
        if (name.equals("slurm")) Assumptions.assumeTrue(slurm != null, LocalSlurm.whyUnavailable());
        return Executor.named(name);
    }

    private Job job(String name, String... shellPerTask) {
        Job.Builder b = Job.builder().setName("test-" + name).setLogDir(dir.resolve("logs-" + name)).optWorkDir(dir);
        for (String sh : shellPerTask) b.addTask(List.of("bash", "-c", sh));
        return b.build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "slurm"})
    void completedAndFailedJobsAreRecordedWithTheirLogTail(String name) {
        Executor executor = executor(name);
        try (RunRegistry registry = RunRegistry.open(dir.resolve("runs.db").toString())) {
            RunTracker tracker = new RunTracker(registry);
            String ok = registry.newRun("test").create();
            tracker.submit(ok, executor, job(name + "-ok", "echo written > out.txt; echo fine"));
            String bad = registry.newRun("test").create();
            tracker.submit(bad, executor, job(name + "-bad", "echo 'reading the slides'; echo 'disk full' >&2; exit 3"));

            Run done = tracker.await(ok, 200, r -> { });
            assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(done.exitCode()).isZero();
            assertThat(done.executor()).isEqualTo(name);
            assertThat(dir.resolve("out.txt")).hasContent("written");
            assertThat(Logs.tail(Path.of(done.logPath()), 5)).isEqualTo("fine");

            Run failed = tracker.await(bad, 200, r -> { });
            assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
            assertThat(failed.exitCode()).isEqualTo(3);
            assertThat(failed.message()).contains("reading the slides").contains("disk full");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "slurm"})
    void cancellingARunningJobRecordsCancelled(String name) throws Exception {
        Executor executor = executor(name);
        try (RunRegistry registry = RunRegistry.open(dir.resolve("runs.db").toString())) {
            RunTracker tracker = new RunTracker(registry);
            String id = registry.newRun("test").create();
            tracker.submit(id, executor, job(name + "-long", "echo started; sleep 120"));
            Path log = Path.of(registry.get(id).logPath());
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!(Files.exists(log) && Files.readString(log).contains("started")) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(tracker.refresh(id).status()).isIn(RunStatus.PENDING, RunStatus.RUNNING);
            Run cancelled = tracker.cancel(id);
            assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(executor.state(cancelled.jobId(), log.getParent(), 0).status()).isEqualTo(RunStatus.CANCELLED);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "slurm"})
    void aFailingArrayTaskIsSubmittedOnceMoreThenReported(String name) {
        Executor executor = executor(name);
        try (RunRegistry registry = RunRegistry.open(dir.resolve("runs.db").toString())) {
            RunTracker tracker = new RunTracker(registry);
            String id = registry.newRun("test").create();
            Job job = job(name + "-array", "echo a > a.txt", "echo attempt >> b.txt; echo 'bad slide' >&2; exit 4",
                    "echo c > c.txt");
            Submission s = tracker.submit(id, executor, job);
            assertThat(s.taskIds()).hasSize(3);
            Run run = tracker.await(id, 200, r -> { });
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.tasks()).extracting(RunTask::status)
                    .containsExactly(RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.COMPLETED);
            assertThat(run.tasks()).extracting(RunTask::attempts).containsExactly(1, 2, 1);
            assertThat(run.tasks().get(1).exitCode()).isEqualTo(4);
            assertThat(run.message()).contains("task 1 FAILED after 2 attempt(s)").contains("bad slide");
            assertThat(dir.resolve("b.txt")).hasContent("attempt\nattempt");
            assertThat(dir.resolve("a.txt")).exists();
            assertThat(dir.resolve("c.txt")).exists();
        }
    }

    /** What Slurm does when a node fails (requeue, as asked for by --requeue): the job runs again and completes. */
    @Test
    void aRequeuedSlurmJobRunsAgainAndCompletes() throws Exception {
        Executor executor = executor("slurm");
        try (RunRegistry registry = RunRegistry.open(dir.resolve("runs.db").toString())) {
            RunTracker tracker = new RunTracker(registry);
            String id = registry.newRun("test").create();
            tracker.submit(id, executor, job("requeue", "echo run >> runs.txt; sleep 3"));
            Path runs = dir.resolve("runs.txt");
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!Files.exists(runs) && System.nanoTime() < deadline) Thread.sleep(100);
            String job = registry.get(id).jobId();
            assertThat(new ProcessBuilder("scontrol", "requeue", job).inheritIO().start().waitFor()).isZero();
            // Slurm holds a requeued job for two minutes (Reason=BeginTime); a test need not wait for that.
            while (!Shell.run(List.of("scontrol", "show", "job", "-o", job)).out().contains("Reason=BeginTime")
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(tracker.refresh(id).status()).isEqualTo(RunStatus.PENDING);
            assertThat(new ProcessBuilder("scontrol", "update", "JobId=" + job, "StartTime=now").inheritIO().start()
                    .waitFor()).isZero();
            Run run = tracker.await(id, 300, r -> { });
            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(runs).hasContent("run\nrun");
        }
    }

    @Test
    void badSlurmConfigurationsAreOneClearError() {
        Assumptions.assumeTrue(slurm != null, LocalSlurm.whyUnavailable());
        Executor executor = Executor.named("slurm");
        assertThatThrownBy(() -> executor.check(Resources.builder().optPartition("gpu-huge").build()))
                .isInstanceOf(UserException.class)
                .hasMessage("unknown Slurm partition gpu-huge; partitions here: debug (default) (see sinfo)");
        int cpus = Runtime.getRuntime().availableProcessors();
        assertThatThrownBy(() -> executor.check(Resources.builder().optCpus(cpus + 1).build()))
                .isInstanceOf(UserException.class)
                .hasMessageStartingWith("cpus " + (cpus + 1) + " is more than the " + cpus + " CPUs")
                .satisfies(e -> assertThat(((UserException) e).key()).hasValue("cpus"));
        assertThatThrownBy(() -> executor.check(Resources.builder().optGpus(1).build()))
                .isInstanceOf(UserException.class).hasMessageStartingWith("gpus 1 is more than the 0 GPUs")
                .hasMessageNotContaining("--");
        assertThatThrownBy(() -> executor.check(Resources.builder().optMemory("64T").build()))
                .isInstanceOf(UserException.class).hasMessageStartingWith("memory 64T is more than")
                .satisfies(e -> assertThat(((UserException) e).key()).hasValue("memory"));
        executor.check(Resources.builder().optCpus(cpus).optMemory("100M").build());
    }

    @Test
    void missingSbatchIsOneClearError() throws Exception {
        String before = System.getProperty("histoscale.slurm.path");
        System.setProperty("histoscale.slurm.path", Files.createDirectories(dir.resolve("empty-bin")).toString());
        try {
            assertThatThrownBy(() -> Executor.named("slurm").submit(job("nosbatch", "true")))
                    .isInstanceOf(UserException.class)
                    .hasMessageStartingWith("executor slurm needs the Slurm client commands, and sbatch is not on")
                    .satisfies(e -> assertThat(((UserException) e).key()).hasValue("executor"));
        } finally {
            if (before == null) System.clearProperty("histoscale.slurm.path");
            else System.setProperty("histoscale.slurm.path", before);
        }
    }
}
