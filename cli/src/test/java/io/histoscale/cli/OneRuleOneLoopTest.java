package io.histoscale.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Json;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.federation.Plan;
import io.histoscale.federation.SiteProcesses;
import io.histoscale.federation.coordinator.Coordinator;
import io.histoscale.federation.pki.Pki;
import io.histoscale.federation.site.SiteMain;
import io.histoscale.staging.RunClassifier;
import io.histoscale.testkit.SyntheticPatches;
import io.histoscale.train.RunInfo;
import io.histoscale.train.checkpoint.Checkpoint;
import io.histoscale.train.metrics.Auc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * One positive-class rule and one training loop, seen from outside: for class names {@code [Tumor, normal]} (the
 * tumour class first, capitalised) and {@code [normal, tumour]}, {@code histoscale train}, {@code histoscale
 * evaluate}, a federated run (coordinator plus a real site process over mutual TLS) and staging's patch classifier all
 * take the tumour class as positive and report the same AUC for the same model and data; and the federated "central"
 * strategy, given the same data, seed, epochs and settings as {@code histoscale train}, ends with bit-identical
 * weights.
 */
@Tag("federation")
class OneRuleOneLoopTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "classes {0},{1}; tumour is class {2}")
    @CsvSource({"Tumor, normal, 0", "normal, tumour, 1"})
    void trainEvaluateFederateAndStageAgree(String first, String second, int tumour) throws Exception {
        List<String> classes = List.of(first, second);
        Path store = SyntheticPatches.builder().labels(classes, tumour).slides(4).perSlide(20).size(32).seed(11)
                .write(dir.resolve("store"));

        // histoscale train, no validation split: every patch trains, as at a federated site holding them all
        Path run = dir.resolve("run");
        CliTest.Run trained = CliTest.run("train", "--data", store.toString(), "--out", run.toString(), "--model",
                "small", "--epochs", "2", "--batch", "8", "--val-fraction", "0", "--seed", "5", "--threads", "1",
                "--workers", "1");
        assertThat(trained.status()).as(trained.err()).isZero();
        RunInfo info = RunInfo.read(run);
        assertThat(info.positiveClass()).isEqualTo(tumour);
        assertThat(info.positiveRule()).isEqualTo("tumour name");

        // histoscale evaluate
        CliTest.Run evaluated = CliTest.run("evaluate", "--model", run.toString(), "--data", store.toString(),
                "--json", "--threads", "1", "--workers", "1");
        assertThat(evaluated.status()).as(evaluated.err()).isZero();
        JsonNode evaluation = Json.tree(evaluated.out());
        assertThat(evaluation.path("positiveClass").asText()).isEqualTo(classes.get(tumour));
        double auc = evaluation.path("auc").asDouble();
        assertThat(auc).isGreaterThan(0.8);

        // staging's classifier: the same class's probability, hence the same AUC
        assertThat(stagingAuc(run, store, tumour)).isEqualTo(auc, within(1e-9));

        // a federated run: strategy central on one site holding the same patches, scored by the coordinator
        Coordinator.Summary federated = central(store, run);
        assertThat(federated.test().path("auc").asDouble()).isEqualTo(auc, within(1e-9));
        assertThat(federated.test().path("sensitivity").asDouble())
                .isEqualTo(evaluation.path("sensitivity").asDouble(), within(1e-9));

        // central == histoscale train, bit for bit: same initial weights, loop, order, schedule and augmentation
        Checkpoint mine = Checkpoint.read(run.resolve("best.ckpt"));
        Checkpoint theirs = Checkpoint.read(dir.resolve("federated").resolve(Coordinator.CHECKPOINT));
        assertThat(maxDifference(mine.section("parameters"), theirs.section("model-0-parameters"))).isZero();
        assertThat(maxDifference(mine.section("statistics"), theirs.section("model-0-statistics"))).isZero();
    }

    /** The coordinator's test AUC of strategy central over one real site process holding all of {@code store}. */
    private Coordinator.Summary central(Path store, Path run) throws Exception {
        Pki pki = Pki.init(dir.resolve("pki"), "test-ca");
        pki.issue("coordinator", Pki.Role.COORDINATOR, List.of("127.0.0.1"));
        pki.issue("central", Pki.Role.SITE, List.of());
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Plan plan = new Plan();
        plan.strategy = "central";
        plan.sites = List.of("central");
        plan.strategySettings().put("epochs", 2);
        plan.model.architecture = "small";
        plan.model.inputSize = 32;
        plan.training.putAll(Map.of("batch_size", 8, "seed", 5));
        plan.listen = "127.0.0.1:" + port;
        plan.pki = dir.resolve("pki").toString();
        plan.out = dir.resolve("federated").toString();
        plan.test = new Plan.Test();
        plan.test.data = store.toString();
        plan.faults.joinTimeoutSeconds = 120;
        plan.check("test");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Coordinator coordinator = Coordinator.start(plan, Path.of("."), Device.cpu(), 1,
                new PrintStream(log, true)); SiteProcesses site = new SiteProcesses()) {
            site.start(new SiteMain.Options(store, "central", "127.0.0.1:" + port, dir.resolve("pki"), null, 0, 5, 1,
                    "cpu", 1, "127.0.0.1", -1, dir.resolve("site"), 120));
            Coordinator.Summary summary = coordinator.run(false);
            assertThat(site.await(60)).containsExactly(0);
            return summary;
        } finally {
            System.out.print(log);
        }
    }

    private static double stagingAuc(Path run, Path storeDir, int tumour) {
        try (RunClassifier classifier = RunClassifier.load(run, "cpu", 1, null);
             PatchStore store = PatchStore.open(storeDir)) {
            int n = (int) store.size();
            int side = classifier.patchSize();
            ByteBuffer batch = ByteBuffer.allocateDirect(n * side * side * 3);
            boolean[] positive = new boolean[n];
            for (int i = 0; i < n; i++) {
                batch.put(store.read(i));
                positive[i] = store.label(i) == tumour;
            }
            float[] p = classifier.tumourProbabilities(batch.flip(), n);
            double[] scores = new double[n];
            for (int i = 0; i < n; i++) {
                scores[i] = p[i];
            }
            return Auc.of(scores, positive);
        }
    }

    private static double maxDifference(FloatBuffer a, FloatBuffer b) {
        assertThat(a.remaining()).isEqualTo(b.remaining());
        double most = 0;
        for (int i = 0; i < a.remaining(); i++) {
            most = Math.max(most, Math.abs(a.get(a.position() + i) - b.get(b.position() + i)));
        }
        return most;
    }
}
