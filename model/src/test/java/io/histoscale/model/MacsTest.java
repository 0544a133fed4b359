package io.histoscale.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** MACs of the named networks: torchvision's published figure and a hand count. */
class MacsTest {

    @Test
    void resnetsAt224HaveTorchvisionsGMacs() {
        long macs = ModelSpec.builder().setArchitecture("resnet18").setNumClasses(1000).build().flops();
        assertThat((double) macs).isCloseTo(1.82e9, within(0.01 * 1.82e9));
        assertThat(macs).isEqualTo(1_814_073_344L);
        assertThat(ModelSpec.builder().setArchitecture("resnet50").setNumClasses(1000).build().flops())
                .isEqualTo(4_089_184_256L);
    }

    @Test
    void smallByHand() {
        // conv 1 at 64x64: 64*64*32*3*9 = 3,538,944; convs 2-4 at 32, 16, 8 px: 18,874,368 each; linear 256*2
        assertThat(spec("small", 64).flops()).isEqualTo(3_538_944L + 3 * 18_874_368L + 512);
        // 96 px: the convolutions cost (96/64)^2 = 2.25 times as much
        assertThat(spec("small", 96).flops()).isEqualTo(7_962_624L + 3 * 42_467_328L + 512);
    }

    private static ModelSpec spec(String name, int inputSize) {
        return ModelSpec.builder().setArchitecture(name).setNumClasses(2).optInputSize(inputSize).build();
    }
}
