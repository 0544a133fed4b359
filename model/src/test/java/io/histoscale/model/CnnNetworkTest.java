package io.histoscale.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.histoscale.core.UserException;
import io.histoscale.model.CnnArchitecture.BlockType;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Networks built from genomes: parameter counts and MACs by hand, forward passes, input sizes. */
class CnnNetworkTest {

    @Test
    void parameterCountsEqualAHandCount() {
        // stem 3*8*9 + 2*8 = 232; conv 8*8*9 + 2*8 = 592; linear 8*2 + 2 = 18
        assertParameters("cnn-s1-b1-w0.50-k3-plain", 2, 842);
        // stem 232; expand 8*16 + 2*16 = 160; depthwise 16*9 + 2*16 = 176; project 16*8 + 2*8 = 144;
        // SE on 8 channels: 2*8*2 + 2 + 8 = 42; linear 18
        assertParameters("cnn-s1-b1-w0.50-k3-inverted-e2-se", 2, 772);
        // stem 232; stage 0 (8 channels): 576 + 576 + 32 + projection 64 + 16, then 576 + 576 + 32;
        // stage 1 (16): 1152 + 2304 + 64 + projection 128 + 32, then 2304 + 2304 + 64; linear 16*2 + 2 = 34;
        // SE: 2 * 42 on 8 channels, 2 * (2*16*4 + 4 + 16 = 148) on 16 channels
        assertParameters("cnn-s2-b2-w0.50-k3-residual", 2, 11_066);
        assertParameters("cnn-s2-b2-w0.50-k3-residual-se", 2, 11_066 + 2 * 42 + 2 * 148);
    }

    @Test
    void theAnalyticParameterCountIsTheBuiltNetworksForRandomGenomes() {
        Random random = new Random(11);
        for (int i = 0; i < 12; i++) {
            CnnArchitecture genome = new CnnArchitecture(1 + random.nextInt(3), 1 + random.nextInt(2),
                    0.25 + random.nextDouble() * 0.75, random.nextBoolean() ? 3 : 5,
                    BlockType.values()[i % 3], 2 + random.nextInt(5), random.nextBoolean(), 0.1);
            ModelSpec spec = ModelSpec.builder().setArchitecture(genome).setNumClasses(3)
                    .optInputSize(genome.minInputSize()).build();
            assertThat(spec.parameterCount()).as(genome.cliName()).isEqualTo(genome.parameterCount(3));
        }
    }

    @Test
    void macsCountConvolutionsByTheirGroupsAndLinearLayers() {
        // stem 32*32*8*3*9 = 221,184; conv stride 2: 16*16*8*8*9 = 147,456; linear 8*2
        assertThat(spec("cnn-s1-b1-w0.50-k3-plain", 32).flops()).isEqualTo(368_656L);
        // stem 221,184; expand 32*32*16*8 = 131,072; depthwise 16*16*16*9 = 36,864; project 16*16*8*16 = 32,768;
        // SE 8*2 + 2*8 = 32; linear 16
        assertThat(spec("cnn-s1-b1-w0.50-k3-inverted-e2-se", 32).flops()).isEqualTo(421_936L);
    }

    @Test
    void everyBlockTypeMapsABatchToLogits() {
        for (String name : new String[] {"cnn-s2-b2-w0.50-k3-plain-se", "cnn-s2-b2-w0.50-k5-residual-se",
                                         "cnn-s2-b2-w0.50-k3-inverted-e3-se-d0.20"}) {
            ModelSpec spec = ModelSpec.builder().setArchitecture(name).setNumClasses(3).optInputSize(32).build();
            try (Model model = spec.newModel(Device.cpu());
                 NDManager manager = model.getNDManager().newSubManager()) {
                NDArray logits = model.getBlock().forward(new ParameterStore(manager, false),
                        new NDList(manager.randomNormal(spec.inputShape(2))), true).singletonOrThrow();
                assertThat(logits.getShape().getShape()).as(name).containsExactly(2, 3);
                assertThat(model.getName()).isEqualTo(name);
            }
        }
    }

    @Test
    void dropoutActsInTrainingOnly() {
        ModelSpec spec = spec("cnn-s2-b1-w0.50-k3-plain-d0.50", 16);
        try (Model model = spec.newModel(Device.cpu(), 5);
             NDManager manager = model.getNDManager().newSubManager()) {
            NDList input = new NDList(manager.randomNormal(spec.inputShape(4)));
            ParameterStore store = new ParameterStore(manager, false);
            NDArray inference1 = model.getBlock().forward(store, input, false).singletonOrThrow();
            NDArray inference2 = model.getBlock().forward(store, input, false).singletonOrThrow();
            NDArray training1 = model.getBlock().forward(store, input, true).singletonOrThrow();
            NDArray training2 = model.getBlock().forward(store, input, true).singletonOrThrow();
            assertThat(inference1.contentEquals(inference2)).isTrue();
            assertThat(training1.contentEquals(training2)).isFalse();
        }
    }

    @Test
    void inputsSmallerThanTheStagesHalveAreRefused() {
        assertThatThrownBy(() -> spec("cnn-s6-b1-w0.25-k3-plain", 32)).isInstanceOf(UserException.class)
                .hasMessage("input_size 32: cnn-s6-b1-w0.25-k3-plain needs patches of at least 64 pixels");
        assertThat(spec("cnn-s6-b1-w0.25-k3-plain", 64).architecture().minInputSize()).isEqualTo(64);
    }

    @Test
    void describeNamesTheGenome() {
        assertThat(spec("cnn-s1-b1-w0.50-k3-plain", 32).describe())
                .isEqualTo("cnn-s1-b1-w0.50-k3-plain: 842 parameters, 368,656 MACs, 2 classes, 3x32x32 input");
    }

    private static void assertParameters(String name, int classes, long expected) {
        CnnArchitecture genome = CnnArchitecture.fromName(name);
        assertThat(genome.parameterCount(classes)).as(name).isEqualTo(expected);
        assertThat(ModelSpec.builder().setArchitecture(genome).setNumClasses(classes).optInputSize(32).build()
                .parameterCount()).as(name).isEqualTo(expected);
    }

    private static ModelSpec spec(String name, int inputSize) {
        return ModelSpec.builder().setArchitecture(name).setNumClasses(2).optInputSize(inputSize).build();
    }
}
