package io.histoscale.cli;

import io.histoscale.core.Json;
import io.histoscale.registry.Run;
import io.histoscale.registry.RunFilter;
import io.histoscale.registry.RunQueries;
import io.histoscale.registry.Studies;
import io.histoscale.testkit.SyntheticPatches;
import io.histoscale.train.RunInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code histoscale search} end to end: real training of tiny trials, a real SQLite registry, real processes. */
class SearchCommandTest {

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    static Path store;

    /** Learning rate and an architecture from the cnn family: every trial an ordinary run. */
    static final String SPACE = """
            learning_rate: {type: float, low: 1.0e-3, high: 3.0e-2, log: true}
            model: cnn
            arch.stages: {type: int, low: 1, high: 3}
            arch.block: {type: categorical, choices: [plain, residual, inverted]}
            arch.width: {type: categorical, choices: [0.5, 1.0]}
            arch.se: {type: categorical, choices: [false, true]}
            epochs: 3
            batch_size: 8
            warmup_epochs: 0
            patience: 0
            """;

    @BeforeAll
    static void data() {
        store = SyntheticPatches.builder().slides(4).perSlide(16).size(24).seed(5).write(shared.resolve("store"));
    }

    List<String> runArgs(Path space, Path registry, String study, int trials, String... more) {
        List<String> args = new ArrayList<>(List.of("search", "run", "--space", space.toString(), "--data",
                store.toString(), "--study", study, "--trials", Integer.toString(trials), "--store",
                registry.toString(), "--out", dir.resolve("trials").toString(), "--set", "threads=1",
                "--set", "val_fraction=0.5", "--set", "group_by=slide"));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void aStudyOfArchitecturesTrainsItsTrialsAsRunsAndItsBestIsAModelEvaluateReads() throws Exception {
        Path space = Files.writeString(dir.resolve("space.yaml"), SPACE);
        Path registry = dir.resolve("runs.db");
        CliTest.Run run = CliTest.run(runArgs(space, registry, "arch", 4, "--sampler", "random", "--scheduler",
                "asha", "--workers", "2", "--executor", "local").toArray(String[]::new));
        assertThat(run.status()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("study arch: 4/4 trials ended");

        CliTest.Run show = CliTest.run("search", "show", "arch", "--store", registry.toString(), "--json");
        assertThat(show.status()).as(show.err()).isZero();
        var json = Json.tree(show.out());
        assertThat(json.get("trials")).hasSize(4);
        Set<String> models = new HashSet<>();
        for (var t : json.get("trials")) {
            assertThat(t.get("state").asText()).isIn("COMPLETE", "PRUNED");
            assertThat(t.get("reported").size()).isEqualTo(t.get("epochs").asInt());
            RunInfo info = RunInfo.read(dir.resolve("trials").resolve(String.format("trial-%04d", t.get("number").asInt())));
            models.add(info.config().model());
            assertThat(info.config().model()).startsWith("cnn-");
            assertThat(info.config().learningRate()).isEqualTo(t.get("params").get("learning_rate").asDouble());
        }
        assertThat(models).as("each trial its own architecture").hasSizeGreaterThan(1);
        // every trial is a run in the registry
        List<Run> runs = RunQueries.open(registry.toString()).list(RunFilter.builder().optKind("train").build());
        assertThat(runs).hasSize(4).allMatch(r -> r.status().name().equals("COMPLETED"));

        Path best = dir.resolve("best");
        CliTest.Run saved = CliTest.run("search", "best", "arch", "--store", registry.toString(), "--out", best.toString());
        assertThat(saved.status()).as(saved.err()).isZero();
        assertThat(best.resolve("best.ckpt")).exists();
        assertThat(best.resolve("last.ckpt")).doesNotExist();
        CliTest.Run eval = CliTest.run("evaluate", "--model", best.toString(), "--data", store.toString(), "--json");
        assertThat(eval.status()).as(eval.err()).isZero();
        assertThat(Json.tree(eval.out()).findValue("auc").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void eachBadSpaceIsOneLineAndRecordsNothing() throws Exception {
        Path registry = dir.resolve("runs.db");
        String[][] cases = {
                {"learning_rate: {type: gaussian, low: 0.001, high: 0.1}", "learning_rate: unknown type 'gaussian'"},
                {"learning_rate: {type: float, low: 0.01, high: 0.01}", "learning_rate: empty range [0.01, 0.01]"},
                {"learning_rate: {type: float, low: 0.1, high: 0.01}", "learning_rate: inverted range [0.1, 0.01]"},
                {"momentum: {type: float, low: 0.8, high: 0.9, when: {optimizer: [sgd]}}",
                        "momentum: its condition names 'optimizer', which is not a parameter of the space"},
                {"model: cnn\narch.stages: {type: int, low: 2, high: 6}",
                        "arch.stages an architecture of 6 stages needs patches of at least 64 px, but trials get 24 px"},
                {"learnin_rate: {type: float, low: 0.001, high: 0.1}", "learnin_rate not a training setting"},
                {"learning_rate: {type: float, low: -1, high: 0.1}", "learning_rate the value -1"},
        };
        for (String[] c : cases) {
            Path space = Files.writeString(dir.resolve("bad.yaml"), c[0] + "\nepochs: 1\n");
            CliTest.Run run = CliTest.run(runArgs(space, registry, "bad", 2).toArray(String[]::new));
            assertThat(run.status()).as(c[0]).isEqualTo(2);
            assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
            assertThat(run.err()).as(c[0]).contains(c[1]).doesNotContain("Exception").doesNotContain("\tat ");
        }
        if (Files.exists(registry)) {
            assertThat(Studies.open(registry.toString()).list()).isEmpty();
        }
        assertThat(dir.resolve("trials")).doesNotExist();
    }

    @Test
    void aDriverKilledWithSigkillIsResumedToExactlyItsTrialsNoneLostNoneTwice() throws Exception {
        Path space = Files.writeString(dir.resolve("space.yaml"), SPACE.replace("epochs: 3", "epochs: 4"));
        Path registry = dir.resolve("runs.db");
        List<String> command = new ArrayList<>(ExecutorLaunch.javaCommand());
        command.addAll(runArgs(space, registry, "killed", 5, "--sampler", "tpe", "--scheduler", "none",
                "--heartbeat", "600"));
        Path output = dir.resolve("driver.out");
        Process driver = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            long deadline = System.nanoTime() + 180_000_000_000L;
            while (!midTrial(registry)) {
                assertThat(driver.isAlive()).as(Files.readString(output)).isTrue();
                assertThat(System.nanoTime()).as("the study did not get going").isLessThan(deadline);
                Thread.sleep(100);
            }
        } finally {
            driver.destroyForcibly(); // SIGKILL, mid-trial
            driver.waitFor(30, TimeUnit.SECONDS);
        }
        var before = Studies.open(registry.toString()).trials("killed");
        assertThat(before).anyMatch(t -> t.state().equals("RUNNING"));
        int interrupted = before.stream().filter(t -> t.state().equals("RUNNING")).findFirst().orElseThrow().number();

        // the heartbeat allows 10 minutes, but the dead worker's process was on this host: handed back at once
        CliTest.Run resumed = CliTest.run("search", "resume", "killed", "--store", registry.toString());
        assertThat(resumed.status()).as(resumed.out() + resumed.err()).isZero();
        var trials = Studies.open(registry.toString()).trials("killed");
        assertThat(trials).hasSize(5);
        assertThat(trials).extracting(Studies.Trial::number).containsExactly(0, 1, 2, 3, 4);
        assertThat(trials).allMatch(t -> t.state().equals("COMPLETE"));
        assertThat(trials.get(interrupted).attempts()).isEqualTo(2);
        assertThat(trials).filteredOn(t -> t.number() != interrupted).allMatch(t -> t.attempts() == 1);
        // one run per trial: the interrupted trial's run was continued, not started again
        List<Run> runs = RunQueries.open(registry.toString()).list(RunFilter.builder().optKind("train").build());
        assertThat(runs).hasSize(5);
        assertThat(runs.stream().map(Run::id).distinct()).hasSize(5);
        assertThat(trials.stream().map(Studies.Trial::runId).distinct()).hasSize(5);
        Path continued = dir.resolve("trials").resolve(String.format("trial-%04d", interrupted));
        assertThat(Files.readAllLines(continued.resolve("metrics.jsonl"))).hasSize(4);
    }

    /** A trial has finished an epoch and is still running (so it has a checkpoint to continue from). */
    private static boolean midTrial(Path registry) {
        if (!Files.exists(registry)) return false;
        try {
            Studies s = Studies.open(registry.toString());
            if (s.study("killed").isEmpty()) return false;
            var trials = s.trials("killed");
            return trials.stream().anyMatch(t -> t.state().equals("COMPLETE"))
                    && trials.stream().anyMatch(t -> t.state().equals("RUNNING") && t.epochs() >= 1);
        } catch (RuntimeException e) {
            return false; // the registry is being made
        }
    }
}
