package io.histoscale.cli;

import io.histoscale.dataset.store.PatchStore;
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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * tile, train, runs and watch through {@code --executor local} and {@code --executor slurm} on the real one-node cluster
 * of scripts/slurm-local.sh (Slurm cases skip with the reason when this machine cannot run it). Jobs run this same
 * code: {@code java -cp <the test class path> io.histoscale.cli.Main …}.
 */
@Tag("slurm")
class ExecutorIntegrationTest {

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    private static LocalSlurm slurm;
    private static Path cohort;
    private static Path baselineStore;
    private static long baselinePatches;

    record Result(int status, String out, String err) {
    }

    static synchronized Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int status = Main.execute(args);
            return new Result(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Six small synthetic slides (2 patients × 3), tiled once in this process as the reference store. */
    @BeforeAll
    static void cohortAndCluster() throws IOException {
        if (LocalSlurm.whyUnavailable() == null) slurm = LocalSlurm.start();
        System.setProperty("histoscale.classpath", FrozenClasspath.copy(shared));
        cohort = shared.resolve("cohort");
        Result synth = run("synth", "cohort", "--out", cohort.toString(), "--patients", "2", "--slides-per-patient", "3",
                "--size-mm", "3.8", "--mpp", "2", "--threads", "2");
        assertThat(synth.status()).as(synth.err()).isZero();
        baselineStore = shared.resolve("store-in-process");
        Result tile = run(tileArgs(baselineStore, shared.resolve("baseline.db")).toArray(String[]::new));
        assertThat(tile.status()).as(tile.err()).isZero();
        try (PatchStore store = PatchStore.open(baselineStore)) {
            assertThat(store.slides()).hasSize(6);
            baselinePatches = store.size();
        }
        assertThat(baselinePatches).isGreaterThan(100);
    }

    @AfterAll
    static void stopCluster() {
        System.clearProperty("histoscale.classpath");
        if (slurm != null) slurm.close();
    }

    private static List<String> tileArgs(Path store, Path registry) {
        return new ArrayList<>(List.of("tile", cohort.toString(), "--out", store.toString(), "--mpp", "4", "--size",
                "64", "--annotations", cohort.resolve("annotations").toString(), "--threads", "1", "--no-thumbnails",
                "--store", registry.toString()));
    }

    private static List<String> trainArgs(Path data, Path out, Path registry, int epochs, int steps) {
        return new ArrayList<>(List.of("train", "--data", data.toString(), "--out", out.toString(), "--model", "small",
                "--epochs", Integer.toString(epochs), "--steps-per-epoch", Integer.toString(steps), "--batch", "16",
                "--val-fraction", "0.5", "--threads", "1", "--workers", "1", "--augment", "flip", "--patience", "0",
                "--store", registry.toString()));
    }

    private static void needs(String executor) {
        if (executor.equals("slurm")) Assumptions.assumeTrue(slurm != null, LocalSlurm.whyUnavailable());
    }

    private static String runId(Result r) {
        Matcher m = Pattern.compile("run (\\S+): (local|slurm) job").matcher(r.out());
        assertThat(m.find()).as(r.out() + r.err()).isTrue();
        return m.group(1);
    }

    private static Run registryRun(Path registry, String id) {
        try (RunRegistry reg = RunRegistry.open(registry.toString())) {
            return reg.get(id);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "slurm"})
    void threeArrayTasksTileSixSlidesIntoOneValidStore(String executor) {
        needs(executor);
        Path store = dir.resolve("store");
        Path registry = dir.resolve("runs.db");
        List<String> args = tileArgs(store, registry);
        args.addAll(List.of("--executor", executor, "--array-size", "3"));
        Result r = run(args.toArray(String[]::new));
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("(3 array tasks)").contains("COMPLETED");

        try (PatchStore tiled = PatchStore.open(store)) {
            tiled.verify();
            assertThat(tiled.slides()).hasSize(6);
            assertThat(tiled.size()).isEqualTo(baselinePatches);
        }
        Run run = registryRun(registry, runId(r));
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.executor()).isEqualTo(executor);
        assertThat(run.tasks()).hasSize(3).allSatisfy(t -> {
            assertThat(t.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(t.attempts()).as(t.message()).isEqualTo(1);
        });
        assertThat(run.tasks()).extracting(RunTask::jobId).doesNotHaveDuplicates();
        assertThat(run.metrics()).containsEntry("slides", 6.0).containsEntry("patches", (double) baselinePatches);
        assertThat(run.artefacts()).containsEntry("store", store.toAbsolutePath().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "slurm"})
    void anArrayTaskThatFailsTwiceIsReportedAndTheOtherSlidesAreStored(String executor) throws IOException {
        needs(executor);
        Path slides = Files.createDirectories(dir.resolve("slides"));
        try (var files = Files.list(cohort)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".tif")).toList()) {
                Files.createSymbolicLink(slides.resolve(f.getFileName()), f);
            }
        }
        Files.write(slides.resolve("patient_009_node_0.tif"), new byte[]{'I', 'I', 42, 0, 1, 2, 3, 4, 5, 6, 7, 8});
        Path store = dir.resolve("store");
        Path registry = dir.resolve("runs.db");
        List<String> args = tileArgs(store, registry);
        args.set(1, slides.toString());
        args.addAll(List.of("--executor", executor, "--array-size", "3"));
        Result r = run(args.toArray(String[]::new));
        assertThat(r.status()).isEqualTo(1);
        Run run = registryRun(registry, runId(r));
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.tasks()).filteredOn(t -> t.status() == RunStatus.FAILED).singleElement().satisfies(t -> {
            assertThat(t.attempts()).isEqualTo(2);
            assertThat(t.exitCode()).isEqualTo(1);
        });
        assertThat(run.tasks()).filteredOn(t -> t.status() == RunStatus.COMPLETED).hasSize(2);
        assertThat(run.message()).contains("FAILED after 2 attempt(s)").contains("patient_009_node_0.tif");
        try (PatchStore tiled = PatchStore.open(store)) {
            assertThat(tiled.slides()).hasSize(6);
            assertThat(tiled.size()).isEqualTo(baselinePatches);
        }
    }

    /** The same training, in this process, as a local child and as a Slurm job: same figures, all in the registry. */
    @Test
    void trainingGivesTheSameMetricsInProcessLocallyAndOnSlurm() {
        Path registry = dir.resolve("runs.db");
        Map<String, Double> reference = null;
        List<String> ids = new ArrayList<>();
        for (String executor : List.of("in-process", "local", "slurm")) {
            if (executor.equals("slurm") && slurm == null) continue;
            List<String> args = trainArgs(baselineStore, dir.resolve("run-" + executor), registry, 2, 4);
            if (!executor.equals("in-process")) args.addAll(List.of("--executor", executor));
            Result r = run(args.toArray(String[]::new));
            assertThat(r.status()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("epoch 2/2: train loss");
            Run run;
            try (RunRegistry reg = RunRegistry.open(registry.toString())) {
                run = executor.equals("in-process") ? reg.list("train", 1).get(0) : reg.get(runId(r));
            }
            ids.add(run.id());
            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(run.executor()).isEqualTo(executor);
            assertThat(run.exitCode()).isZero();
            assertThat(run.config()).containsEntry("epochs", 2).containsEntry("model", "small");
            assertThat(run.metrics()).containsEntry("epochs", 2.0).containsKeys("train_loss", "val_loss", "images_per_s");
            assertThat(Path.of(run.artefacts().get("model"))).exists();
            assertThat(run.metricsFile()).endsWith("metrics.jsonl");
            if (reference == null) {
                reference = run.metrics();
            } else {
                assertThat(run.metrics().get("train_loss")).isCloseTo(reference.get("train_loss"), within(1e-6));
                assertThat(run.metrics().get("val_loss")).isCloseTo(reference.get("val_loss"), within(1e-6));
            }
        }
        Result list = run("runs", "list", "--store", registry.toString());
        assertThat(list.status()).isZero();
        for (String id : ids) assertThat(list.out()).contains(id);
        Result show = run("runs", "show", ids.get(1), "--store", registry.toString());
        assertThat(show.out()).contains("COMPLETED (exit 0)").contains("local, job local:")
                .contains("train_loss").contains("best.ckpt");
        Result compare = run("runs", "compare", ids.get(0), ids.get(ids.size() - 1), "--store", registry.toString());
        assertThat(compare.status()).isZero();
        String settings = compare.out().substring(compare.out().indexOf("settings that differ:"),
                compare.out().indexOf("metrics:"));
        assertThat(settings).contains("  out ").contains("  job ").doesNotContain("epochs").doesNotContain("model");
        assertThat(compare.out()).containsPattern("train_loss +0\\.\\d{4} +0\\.\\d{4}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "slurm"})
    void aCancelledRunningJobIsRecordedCancelled(String executor) throws Exception {
        needs(executor);
        Path registry = dir.resolve("runs.db");
        List<String> args = trainArgs(baselineStore, dir.resolve("long"), registry, 200, 40);
        args.addAll(List.of("--executor", executor, "--detach"));
        Result submitted = run(args.toArray(String[]::new));
        assertThat(submitted.status()).as(submitted.err()).isZero();
        assertThat(submitted.out()).contains("histoscale watch");
        String id = runId(submitted);
        Run run = registryRun(registry, id);
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (run.status() != RunStatus.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(200);
            run = registryRun(registry, id);
        }
        assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
        if (executor.equals("slurm")) {
            Process scancel = new ProcessBuilder("scancel", run.jobId()).inheritIO().start();
            assertThat(scancel.waitFor()).isZero();
        } else {
            Result cancel = run("runs", "cancel", id, "--store", registry.toString());
            assertThat(cancel.status()).as(cancel.err()).isZero();
        }
        Result watch = run("watch", id, "--store", registry.toString(), "--interval", "0.3");
        assertThat(watch.status()).isEqualTo(1);
        assertThat(watch.out()).contains("run " + id + " CANCELLED");
        assertThat(registryRun(registry, id).status()).isEqualTo(RunStatus.CANCELLED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "slurm"})
    void aJobExitingNonZeroIsRecordedFailedWithItsLogTail(String executor) {
        needs(executor);
        Path registry = dir.resolve("runs.db");
        List<String> args = trainArgs(dir.resolve("no-such-store"), dir.resolve("bad"), registry, 1, 1);
        args.addAll(List.of("--executor", executor));
        Result r = run(args.toArray(String[]::new));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED").contains("(exit 2)");
        Run run = registryRun(registry, runId(r));
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.message()).contains("histoscale: error:").contains("no-such-store").contains("--- log ");
        assertThat(run.endedAt()).isNotNull();
    }

    @Test
    void badExecutorConfigurationsAreOneClearErrorAndRecordNothing() throws IOException {
        Path registry = dir.resolve("runs.db");
        List<String[]> bad = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        if (slurm != null) {
            bad.add(withExecutor("--executor", "slurm", "--partition", "nope"));
            expected.add("histoscale: error: unknown Slurm partition nope; partitions here: debug (default) (see sinfo)");
            int cpus = Runtime.getRuntime().availableProcessors();
            bad.add(withExecutor("--executor", "slurm", "--cpus", Integer.toString(cpus + 1)));
            expected.add("histoscale: error: --cpus " + (cpus + 1) + " is more than the " + cpus
                    + " CPUs of the largest node in Slurm partition debug; ask for at most " + cpus);
        }
        bad.add(withExecutor("--executor", "pbs"));
        expected.add("histoscale: error: --executor pbs is not an executor; use local or slurm");
        bad.add(withExecutor("--array-size", "3"));
        expected.add("histoscale: error: --array-size splits slides over array tasks and is for tile only, not train");
        for (int i = 0; i < bad.size(); i++) {
            Result r = run(bad.get(i));
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err().strip()).isEqualTo(expected.get(i));
        }
        String before = System.getProperty("histoscale.slurm.path");
        System.setProperty("histoscale.slurm.path", Files.createDirectories(dir.resolve("no-slurm-here")).toString());
        try {
            Result r = run(withExecutor("--executor", "slurm"));
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err().strip()).startsWith("histoscale: error: --executor slurm needs the Slurm client commands,"
                    + " and sbatch is not on the search path").doesNotContain("\n");
        } finally {
            if (before == null) System.clearProperty("histoscale.slurm.path");
            else System.setProperty("histoscale.slurm.path", before);
        }
        try (RunRegistry reg = RunRegistry.open(registry.toString())) {
            assertThat(reg.list(null, 10)).isEmpty();
        }
    }

    private String[] withExecutor(String... executorArgs) {
        List<String> args = trainArgs(baselineStore, dir.resolve("never"), dir.resolve("runs.db"), 1, 1);
        args.addAll(List.of(executorArgs));
        return args.toArray(String[]::new);
    }
}
