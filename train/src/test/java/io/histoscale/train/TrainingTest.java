package io.histoscale.train;

import io.histoscale.core.Hashing;
import io.histoscale.dataset.GroupBy;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.testkit.SyntheticPatches;
import io.histoscale.train.augment.Augmentation;
import io.histoscale.train.metrics.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TrainingTest {

    @TempDir
    Path tmp;

    @Test
    void learnsASyntheticTaskInSecondsAndRecordsTheRun() throws Exception {
        Path store = tmp.resolve("store");
        SyntheticPatches.builder().slides(6).perSlide(60).size(32).seed(1).write(store);
        TrainConfig config = TrainConfig.builder().setModel("small").optEpochs(4).optBatchSize(16)
                .optLearningRate(3e-3).optWarmupEpochs(0).optGroupBy(GroupBy.SLIDE).optValFraction(0.34)
                .optAugmentation(new Augmentation(true, true, false, 0, 0)).optThreads(1).optWorkers(1).optSeed(3)
                .build();
        Path runDir = tmp.resolve("run");
        Training.Outcome outcome = Training.start(TrainRequest.builder(config, store, runDir)
                .optCodeVersion("test-version").optCommand(List.of("--x")).build());

        TrainResult result = outcome.result();
        double seconds = result.epochs().stream().mapToDouble(EpochMetrics::seconds).sum();
        System.out.printf("synthetic task: accuracy %.3f, AUC %.3f after %d epochs, %.1f s, %.0f images/s%n",
                result.best().accuracy(), result.best().auc(), result.bestEpoch(), seconds,
                result.epochs().get(result.epochs().size() - 1).imagesPerSecond());
        assertThat(result.best().accuracy()).isGreaterThan(0.95);
        // a few seconds on an idle 2-core machine; the bound leaves room for a busy one
        assertThat(seconds).isLessThan(60);

        RunInfo run = RunInfo.read(runDir);
        assertThat(run.config()).isEqualTo(config);
        assertThat(run.data().sha256())
                .isEqualTo(Hashing.sha256Hex(Files.readAllBytes(store.resolve("manifest.json"))));
        assertThat(run.provenance().codeVersion()).isEqualTo("test-version");
        assertThat(run.provenance().command()).containsExactly("--x");
        assertThat(run.data().labels().get(run.positiveClass())).isEqualTo("tumour");
        assertThat(Files.readAllLines(runDir.resolve(RunFolder.METRICS))).hasSize(4);

        // no slide on both sides of the split
        Set<String> val = new HashSet<>(run.split().valGroups());
        assertThat(run.split().trainGroups()).doesNotContainAnyElementsOf(val).isNotEmpty();
        try (PatchStore patches = PatchStore.open(store)) {
            long valPatches = java.util.stream.LongStream.range(0, patches.size())
                    .filter(i -> val.contains(patches.info(i).slide())).count();
            assertThat(run.split().valPatches()).isEqualTo(valPatches);

            // best.ckpt holds the best epoch's weights: scoring the validation slides again gives its metrics
            Evaluation.Result again = Evaluation.of(runDir).evaluate(patches, Evaluation.Part.VAL, "cpu", 2, 32, 1,
                    n -> { });
            Metrics m = again.metrics();
            assertThat(again.epoch()).isEqualTo(result.bestEpoch());
            assertThat(m.accuracy()).isEqualTo(result.best().accuracy());
            assertThat(m.auc()).isEqualTo(result.best().auc());
            assertThat(m.loss()).isCloseTo(result.best().loss(), within(1e-6));
        }
    }

    @Test
    void theBestEpochHasTheHigherAucThenTheLowerLoss() {
        Metrics auc90 = new Metrics(10, 0.5, 0.8, 0.90, null, null, new long[2][2]);
        Metrics auc95 = new Metrics(10, 0.6, 0.8, 0.95, null, null, new long[2][2]);
        Metrics auc95lower = new Metrics(10, 0.4, 0.8, 0.95, null, null, new long[2][2]);
        Metrics oneClass = new Metrics(10, 0.3, 0.9, null, null, null, new long[2][2]);
        Metrics oneClassWorse = new Metrics(10, 0.35, 0.9, null, null, null, new long[2][2]);
        assertThat(Trainer.better(auc95, auc90)).isTrue();
        assertThat(Trainer.better(auc90, auc95)).isFalse();
        assertThat(Trainer.better(auc95lower, auc95)).isTrue();
        assertThat(Trainer.better(auc95, auc95)).isFalse();
        assertThat(Trainer.better(oneClass, oneClassWorse)).isTrue();
        assertThat(Trainer.better(oneClassWorse, oneClass)).isFalse();
    }
}
