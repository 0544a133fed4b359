package io.histoscale.launch;

import io.histoscale.core.UserException;
import io.histoscale.registry.Run;
import io.histoscale.registry.RunRegistry;
import io.histoscale.registry.RunStatus;
import io.histoscale.registry.RunTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Executors are found by name through {@code META-INF/services}: the main ones, and {@link InlineExecutor}, which only
 * the test sources register. Its jobs are real bash processes, submitted and followed by name alone.
 */
class ExecutorRegistrationTest {

    @TempDir
    Path dir;

    private Job job(String name, String... shellPerTask) {
        Job.Builder b = Job.builder().setName("test-" + name).setLogDir(dir.resolve("logs-" + name)).optWorkDir(dir);
        for (String sh : shellPerTask) b.addTask(List.of("bash", "-c", sh));
        return b.build();
    }

    @Test
    void executorsRegisteredInMainAndTestSourcesAreFoundByName() {
        assertThat(Executor.names()).containsExactly("inline", "local", "slurm");
        assertThat(Executor.choices()).isEqualTo("inline, local or slurm");
        assertThat(Executor.named("inline")).isInstanceOf(InlineExecutor.class);
        assertThat(Executor.named("local")).isInstanceOf(LocalExecutor.class);
        assertThat(Executor.named("slurm")).isInstanceOf(SlurmExecutor.class);
    }

    @Test
    void anUnknownNameIsAnErrorOfTheExecutorKeyListingTheRegisteredNames() {
        assertThatThrownBy(() -> Executor.named("pbs")).isInstanceOfSatisfying(UserException.class, e -> {
            assertThat(e.key()).contains("executor");
            assertThat(e.getMessage()).isEqualTo("executor pbs is not an executor; use inline, local or slurm");
        });
    }

    @Test
    void aJobSubmittedByNameRunsAndItsStateAndExitStatusAreRead() {
        Executor inline = Executor.named("inline");
        Submission s = inline.submit(job("ok", "echo made > made.txt; echo done"));
        assertThat(inline.state(s.taskIds().get(0), s.script().getParent(), 0))
                .isEqualTo(new JobState(RunStatus.COMPLETED, 0, "exit status 0"));
        assertThat(dir.resolve("made.txt")).hasContent("made");
        assertThat(Logs.tail(s.logs().get(0), 5)).isEqualTo("done");

        Submission bad = inline.submit(job("bad", "echo 'no slides' >&2; exit 7"));
        assertThat(inline.state(bad.taskIds().get(0), bad.script().getParent(), 0))
                .isEqualTo(new JobState(RunStatus.FAILED, 7, "exit status 7"));
    }

    /** The tracker looks the executor up again by the name recorded with the run. */
    @Test
    void theTrackerFollowsRunsOfARegisteredExecutorByItsRecordedName() {
        try (RunRegistry registry = RunRegistry.open(dir.resolve("runs.db").toString())) {
            RunTracker tracker = new RunTracker(registry);
            String failing = registry.newRun("test").create();
            tracker.submit(failing, Executor.named("inline"), job("fail", "echo 'reading'; echo 'disk full' >&2; exit 3"));
            Run failed = tracker.await(failing, 50, r -> { });
            assertThat(failed.executor()).isEqualTo("inline");
            assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
            assertThat(failed.exitCode()).isEqualTo(3);
            assertThat(failed.message()).contains("reading").contains("disk full");

            String array = registry.newRun("test").create();
            tracker.submit(array, Executor.named("inline"),
                    job("array", "echo a > a.txt", "echo attempt >> b.txt; exit 4"));
            Run run = tracker.await(array, 50, r -> { });
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.tasks()).extracting(RunTask::status).containsExactly(RunStatus.COMPLETED, RunStatus.FAILED);
            assertThat(run.tasks()).extracting(RunTask::attempts).containsExactly(1, 2);
            assertThat(dir.resolve("b.txt")).hasContent("attempt\nattempt");
        }
    }

    /** What readers rely on to skip refreshing: a run may change until it ended and its failure carries its log. */
    @Test
    void aRunMayChangeUntilItEndedWithItsLogTail() {
        try (RunRegistry registry = RunRegistry.open(dir.resolve("runs.db").toString())) {
            RunTracker tracker = new RunTracker(registry);
            String id = registry.newRun("test").create();
            tracker.submit(id, Executor.named("inline"), job("own", "echo 'loading the model'; exit 2"));
            assertThat(RunTracker.mayChange(registry.get(id))).isTrue(); // recorded PENDING, the job already ended
            // As a HistoScale job does: it records its own failure, without its log.
            registry.finished(id, RunStatus.FAILED, 2, "histoscale: error: no model");
            Run own = registry.get(id);
            assertThat(RunTracker.mayChange(own)).isTrue();
            Run refreshed = tracker.refresh(id);
            assertThat(refreshed.message()).startsWith("histoscale: error: no model").contains("loading the model");
            assertThat(RunTracker.mayChange(refreshed)).isFalse();
            assertThat(tracker.refresh(id)).isEqualTo(refreshed);

            String done = registry.newRun("test").create();
            tracker.submit(done, Executor.named("inline"), job("done", "true"));
            assertThat(RunTracker.mayChange(tracker.refresh(done))).isFalse();
        }
    }
}
