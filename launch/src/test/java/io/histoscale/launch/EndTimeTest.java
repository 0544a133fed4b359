package io.histoscale.launch;

import io.histoscale.registry.Run;
import io.histoscale.registry.RunRegistry;
import io.histoscale.registry.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a run ended, as the registry records it once the tracker notices: the time the job ended, not the time someone
 * next looked ({@code runs list} minutes later). Real child processes of the local executor, killed for real.
 */
class EndTimeTest {

    @TempDir
    Path dir;

    private Job job(String name, String shell) {
        return Job.builder().setName("test-" + name).setLogDir(dir.resolve("logs-" + name)).optWorkDir(dir)
                .addTask(List.of("bash", "-c", shell)).build();
    }

    private static void waitFor(Path log, String text) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!(Files.exists(log) && Files.readString(log).contains(text))) {
            assertThat(System.nanoTime()).as("waiting for " + text + " in " + log).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void aJobKilledWithSigkillEndedAtItsLastSignOfLifeNotWhenNoticed() throws Exception {
        try (RunRegistry registry = RunRegistry.open(dir.resolve("runs.db").toString())) {
            RunTracker tracker = new RunTracker(registry);
            String id = registry.newRun("test").create();
            Submission s = tracker.submit(id, new LocalExecutor(), job("killed",
                    "while true; do echo tick; sleep 0.5; done"));
            waitFor(s.logs().get(0), "tick");
            assertThat(tracker.refresh(id).status()).isIn(RunStatus.PENDING, RunStatus.RUNNING);

            // kill -9 of the job's whole process tree: nothing of it can record anything
            ProcessHandle job = ProcessHandle.of(Long.parseLong(s.jobId().replace("local:", ""))).orElseThrow();
            List<ProcessHandle> tree = new ArrayList<>(job.descendants().toList());
            tree.add(job);
            Instant kill = Instant.now();
            tree.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle p : tree) p.onExit().join();
            Instant killed = Instant.now();

            Thread.sleep(4000); // nobody looks for a while
            Run run = tracker.refresh(id);
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.message()).contains("without an exit status");
            // it wrote its log every half second until the kill
            assertThat(run.endedAt()).isBetween(kill.minus(Duration.ofSeconds(2)), killed.plusMillis(500));
        }
    }

    @Test
    void aJobThatExitedIsRecordedAtItsExitNotWhenNoticed() throws Exception {
        try (RunRegistry registry = RunRegistry.open(dir.resolve("runs.db").toString())) {
            RunTracker tracker = new RunTracker(registry);
            String id = registry.newRun("test").create();
            Submission s = tracker.submit(id, new LocalExecutor(), job("exits", "echo done; exit 3"));
            Path exit = Job.exitFile(s.script().getParent(), 0);
            waitFor(exit, "3");
            Instant exited = Files.getLastModifiedTime(exit).toInstant();

            Thread.sleep(3000);
            Run run = tracker.refresh(id);
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.endedAt()).isBetween(exited.minusMillis(1000), exited.plusMillis(1000));
            // adding the log's tail later keeps the end
            assertThat(tracker.refresh(id).endedAt()).isEqualTo(run.endedAt());
        }
    }
}
