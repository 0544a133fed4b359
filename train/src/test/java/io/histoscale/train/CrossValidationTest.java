package io.histoscale.train;

import io.histoscale.core.Json;
import io.histoscale.dataset.GroupBy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Slide-wise cross-validation on real Camelyon16 patches (57 patches of 3 slides, from the shared data): every slide
 * is held out once, the held-out predictions of all folds are pooled.
 */
class CrossValidationTest {

    @TempDir
    Path tmp;

    @Test
    void slideWiseCrossValidationOnRealCamelyonPatches() throws Exception {
        Path data = Path.of(System.getProperty("histoscale.shared.data", "../../shared/data"),
                "camelyon16-patches-didsr");
        assumeTrue(Files.isDirectory(data), "shared data absent: " + data);
        TrainConfig config = TrainConfig.builder().setModel("small").optDownsample(4).optInputSize(56)
                .optEpochs(EPOCHS).optBatchSize(16).optStepsPerEpoch(8).optBalance(true).optGroupBy(GroupBy.SLIDE)
                .optCvFolds(3).optStainNormalisation(StainNormalisation.MACENKO, null).optThreads(1).optWorkers(1).build();
        Path runDir = tmp.resolve("cv");
        CrossValidationResult cv = Training.start(TrainRequest.builder(config, data, runDir).build())
                .crossValidation();
        System.out.println("DIDSR slide-wise 3-fold CV, pooled held-out: " + Json.line(cv.pooled()));

        Set<String> heldOut = new HashSet<>();
        cv.folds().forEach(f -> heldOut.addAll(f.valGroups()));
        assertThat(cv.folds()).hasSize(3).allSatisfy(f -> assertThat(f.valGroups()).hasSize(1));
        assertThat(heldOut).containsExactlyInAnyOrder("tumor_001", "tumor_004", "tumor_064");
        for (int k = 0; k < 3; k++) {
            RunInfo fold = RunInfo.read(runDir.resolve("fold-" + k));
            assertThat(fold.split().trainGroups()).doesNotContainAnyElementsOf(fold.split().valGroups());
            assertThat(fold.stainReference()).isNotNull();
        }
        assertThat(cv.pooled().count()).isEqualTo(57);
        assertThat(Files.readAllLines(runDir.resolve(CrossValidation.PREDICTIONS))).hasSize(58);
        assertThat(cv.pooled().auc()).isGreaterThan(MIN_POOLED_AUC);
    }

    static final int EPOCHS = 8;
    static final double MIN_POOLED_AUC = 0.85;
}
