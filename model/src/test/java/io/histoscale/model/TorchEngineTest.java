package io.histoscale.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.pytorch.jni.JniUtils;
import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TorchEngineTest {

    private static final ModelSpec SMALL = ModelSpec.builder().setArchitecture(Architecture.SMALL).setNumClasses(2)
            .optInputSize(32).build();

    @Test
    void appliesThreadCountAndDescribesItself() {
        TorchEngine engine = TorchEngine.start(EngineSettings.defaults().withThreads(1));
        assertThat(JniUtils.getNumThreads()).isEqualTo(1);
        assertThat(engine.describe()).startsWith("PyTorch 2.7.1, 1 intra-op + 1 inter-op threads, seed 42");
        TorchEngine.start(EngineSettings.defaults().withThreads(2));
        assertThat(JniUtils.getNumThreads()).isEqualTo(2);
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        float[] first = weightsAfterStart(7);
        float[] again = weightsAfterStart(7);
        float[] other = weightsAfterStart(8);
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(EngineSettings.defaults().withSeed(7).newRandom().nextLong())
                .isEqualTo(EngineSettings.defaults().withSeed(7).newRandom().nextLong());
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> EngineSettings.defaults().withThreads(0)).isInstanceOf(UserException.class)
                .hasMessageStartingWith("threads 0");
        assertThatThrownBy(() -> EngineSettings.defaults().withInterOpThreads(0)).isInstanceOf(UserException.class);
    }

    private static float[] weightsAfterStart(int seed) {
        TorchEngine.start(EngineSettings.defaults().withThreads(1).withSeed(seed));
        try (Model model = SMALL.newModel(Device.cpu())) {
            FlatParameters flat = FlatParameters.of(model);
            FloatBuffer weights = FloatBuffer.allocate(flat.size());
            flat.exportParameters(weights);
            return weights.array();
        }
    }
}
