package io.histoscale.bench.train;

import io.histoscale.core.UserException;
import io.histoscale.model.TorchEngine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Tag("peer")
class TrainBenchTest {

    @Test
    void measuresUsAndThePyTorchPeerInTheSameRun() {
        TrainBench.Result r = TrainBench.builder().setModel("small").optBatchSize(8).optInputSize(32).optThreads(1)
                .optWarmupSteps(1).optSteps(1).optRounds(2).build().run();
        assertThat(r.unit()).isEqualTo("images/s");
        assertThat(r.ours()).isPositive();
        assertThat(r.oursRounds()).hasSize(2);
        assertThat(r.parameters()).isEqualTo(389_410L);
        assertThat(r.memoryFormat()).isEqualTo("channels-last");
        assertThat(r.toJson()).contains("\"unit\" : \"images/s\"", "\"model\" : \"small\"", "\"batch\" : 8");
        assumeTrue(r.peer() != null, "PyTorch peer unavailable: " + r.peerError());
        assertThat(r.peerRounds()).hasSize(2);
        assertThat(r.ratio()).isEqualTo(r.ours() / r.peer());
        assertThat(r.peerEngine()).contains("python3-torch", "1 intra-op + 1 inter-op threads");
        assertThat(r.peerMemoryFormat()).isEqualTo("nchw");
    }

    @Test
    void gpuWithoutGpuIsAUserError() {
        assumeTrue(TorchEngine.get().gpuCount() == 0, "this machine has a GPU");
        assertThatThrownBy(() -> TrainBench.builder().setModel("small").optDevice("gpu").build().run())
                .isInstanceOf(UserException.class)
                .hasMessageContaining("no GPU visible to PyTorch");
    }

    @Test
    void badSettingsAreUserErrors() {
        assertThatThrownBy(() -> TrainBench.builder().setModel("small").optOptimizer("lamb").build())
                .isInstanceOf(UserException.class).hasMessageContaining("expected adam or sgd");
        assertThatThrownBy(() -> TrainBench.builder().setModel("small").optBatchSize(0).build())
                .isInstanceOf(UserException.class);
        // the model module words it by configuration key; the command line turns the key into --model
        assertThatThrownBy(() -> TrainBench.builder().setModel("alexnet").build())
                .isInstanceOf(UserException.class).hasMessageContaining("model 'alexnet'")
                .satisfies(e -> assertThat(((UserException) e).key()).contains("model"));
    }
}
