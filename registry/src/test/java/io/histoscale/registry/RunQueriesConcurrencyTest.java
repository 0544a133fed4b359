package io.histoscale.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One {@link RunQueries} shared by several reader threads while another thread records runs through
 * {@link RunRegistry} into the same SQLite file. The recorder starts every run, then completes them oldest first, each
 * getting its two metrics (one transaction) only after it completed. A read that mixed two moments — a RUNNING row read
 * before the run completed with the metrics written after it, one metric of two — breaks an invariant checked here.
 * (Without the read transaction of each call, this test fails.)
 */
class RunQueriesConcurrencyTest {

    private static final int RUNS = 40;
    private static final int READERS = 4;

    @TempDir
    Path dir;

    @Test
    void readersSeeWholeCommittedStatesWhileARecorderWrites() throws Exception {
        String db = dir.resolve("runs.db").toString();
        RunQueries queries = RunQueries.open(db);
        AtomicBoolean writing = new AtomicBoolean(true);
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        CountDownLatch readersStarted = new CountDownLatch(READERS);
        ExecutorService pool = Executors.newFixedThreadPool(READERS + 1);
        List<Future<Integer>> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            readers.add(pool.submit(() -> {
                readersStarted.countDown();
                int readsWhileWriting = 0;
                long seenTotal = 0;
                long seenCompleted = 0;
                Map<String, RunStatus> seen = new HashMap<>();
                while (writing.get()) {
                    List<Run> runs = queries.list(RunFilter.builder().optLimit(RUNS).build());
                    for (int i = 0; i < runs.size(); i++) {
                        check(runs.get(i), problems);
                        if (i > 0 && runs.get(i).createdAt().isAfter(runs.get(i - 1).createdAt())) {
                            problems.add("not newest first: " + runs.get(i - 1).id() + ", " + runs.get(i).id());
                        }
                        RunStatus before = seen.put(runs.get(i).id(), runs.get(i).status());
                        if (before != null && before.compareTo(runs.get(i).status()) > 0) {
                            problems.add(runs.get(i).id() + " went back from " + before + " to " + runs.get(i).status());
                        }
                    }
                    Map<RunStatus, Long> counts = queries.countByStatus(RunFilter.builder().build());
                    long total = counts.values().stream().mapToLong(Long::longValue).sum();
                    if (total < seenTotal || counts.get(RunStatus.COMPLETED) < seenCompleted) {
                        problems.add("counts went back: " + counts + " after " + seenTotal + " runs, "
                                + seenCompleted + " completed");
                    }
                    if (total < runs.size()) problems.add(total + " counted after " + runs.size() + " listed");
                    seenTotal = total;
                    seenCompleted = counts.get(RunStatus.COMPLETED);
                    if (!runs.isEmpty()) {
                        Run one = queries.get(runs.get(0).id());
                        check(one, problems);
                        RunMetrics m = queries.metrics(one.id());
                        if (!m.recorded().isEmpty() && m.recorded().size() != 2) {
                            problems.add("metrics of " + one.id() + " half written: " + m.recorded());
                        }
                    }
                    readsWhileWriting++;
                }
                return readsWhileWriting;
            }));
        }
        Future<?> writer = pool.submit(() -> {
            readersStarted.await();
            try (RunRegistry registry = RunRegistry.open(db)) {
                List<String> ids = new ArrayList<>();
                for (int i = 1; i <= RUNS; i++) {
                    String id = registry.newRun("train").setCommand(List.of("train", "--seed", Integer.toString(i)))
                            .create();
                    registry.started(id, "node1");
                    ids.add(id);
                }
                // Oldest first: a newest-first list reads the oldest runs' metrics last, long after their rows.
                for (int i = 1; i <= RUNS; i++) {
                    registry.finished(ids.get(i - 1), RunStatus.COMPLETED, 0, null);
                    registry.putMetrics(ids.get(i - 1), Map.of("step", (double) i, "double_step", 2.0 * i));
                }
            } finally {
                writing.set(false);
            }
            return null;
        });
        writer.get(5, TimeUnit.MINUTES);
        List<Integer> reads = new ArrayList<>();
        for (Future<Integer> f : readers) reads.add(f.get(1, TimeUnit.MINUTES));
        pool.shutdown();

        assertThat(problems).isEmpty();
        // The readers really ran alongside the writer.
        assertThat(reads).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(3));
        List<Run> all = queries.list(RunFilter.builder().optLimit(RUNS + 1).build());
        assertThat(all).hasSize(RUNS).allSatisfy(run -> {
            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(run.metrics()).hasSize(2);
        });
        assertThat(queries.countByStatus(RunFilter.builder().build())).containsEntry(RunStatus.COMPLETED, (long) RUNS);
    }

    /** What any committed state of the writer's runs satisfies. */
    private static void check(Run run, Queue<String> problems) {
        Map<String, Double> m = run.metrics();
        switch (run.status()) {
            case PENDING -> {
                if (run.startedAt() != null || !m.isEmpty()) problems.add("pending with a start or metrics: " + run);
            }
            case RUNNING -> {
                if (run.startedAt() == null || run.exitCode() != null || !m.isEmpty()) {
                    problems.add("running with an end or metrics: " + run);
                }
            }
            case COMPLETED -> {
                if (run.endedAt() == null || !Integer.valueOf(0).equals(run.exitCode())) {
                    problems.add("completed without an end: " + run);
                }
            }
            default -> problems.add("unexpected status: " + run);
        }
        if (!m.isEmpty()) {
            int seed = Integer.parseInt(run.command().get(2));
            if (!m.equals(Map.of("step", (double) seed, "double_step", 2.0 * seed))) {
                problems.add("metrics of " + run.id() + " are not its own, or half written: " + m);
            }
        }
    }
}
