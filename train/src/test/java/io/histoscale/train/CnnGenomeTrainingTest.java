package io.histoscale.train;

import io.histoscale.dataset.GroupBy;
import io.histoscale.model.CnnArchitecture;
import io.histoscale.model.ModelSpec;
import io.histoscale.testkit.SyntheticPatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A CNN family genome is an ordinary model: it trains, its run is recorded under its name and read back. */
class CnnGenomeTrainingTest {

    private static final String GENOME = "cnn-s2-b1-w0.50-k3-inverted-e2-se-d0.10";

    @TempDir
    Path tmp;

    @Test
    void aGenomeTrainsOneEpochAndItsRunReadsBack() throws Exception {
        Path store = tmp.resolve("store");
        SyntheticPatches.builder().slides(4).perSlide(16).size(16).seed(2).write(store);
        TrainConfig config = TrainConfig.builder().setModel(GENOME).optInputSize(16).optEpochs(1).optBatchSize(8)
                .optWarmupEpochs(0).optGroupBy(GroupBy.SLIDE).optValFraction(0.5).optThreads(1).optWorkers(1)
                .optSeed(4).build();
        Path runDir = tmp.resolve("run");
        TrainResult result = Training.start(TrainRequest.builder(config, store, runDir).build()).result();
        assertThat(result.epochs()).hasSize(1);
        assertThat(result.best().loss()).isFinite();

        RunInfo run = RunInfo.read(runDir);
        assertThat(run.model().architecture()).isEqualTo(GENOME);
        ModelSpec spec = run.model().spec();
        assertThat(spec.architecture()).isEqualTo(CnnArchitecture.fromName(GENOME));
        assertThat(run.model().parameters()).isEqualTo(spec.parameterCount())
                .isEqualTo(CnnArchitecture.fromName(GENOME).parameterCount(2));
    }
}
