package io.histoscale.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parameter counts are torchvision's (torchvision.models.resnet18(num_classes=...) etc.). */
class ArchitecturesTest {

    @Test
    void resnetParameterCountsEqualTorchvision() {
        assertThat(spec("resnet18", 1000).parameterCount()).isEqualTo(11_689_512L);
        assertThat(spec("resnet18", 2).parameterCount()).isEqualTo(11_177_538L);
        assertThat(spec("resnet34", 1000).parameterCount()).isEqualTo(21_797_672L);
        assertThat(spec("resnet50", 1000).parameterCount()).isEqualTo(25_557_032L);
    }

    @Test
    void smallNetworkIsSmall() {
        assertThat(spec("small", 2).parameterCount()).isEqualTo(389_410L);
        assertThat(spec("small", 2).describe()).isEqualTo("small: 389,410 parameters, 135.4 M MACs, 2 classes, 3x96x96 input");
    }

    @Test
    void resnetMapsABatchToLogitsAndKeepsBatchNormStatistics() {
        ModelSpec spec = spec("resnet18", 3);
        try (Model model = spec.newModel(Device.cpu()); NDManager manager = model.getNDManager().newSubManager()) {
            NDArray logits = model.getBlock().forward(new ParameterStore(manager, false),
                    new NDList(manager.randomNormal(spec.inputShape(2))), false).singletonOrThrow();
            assertThat(logits.getShape().getShape()).containsExactly(2, 3);
            // 20 batch norms (stem, 16 in blocks, 3 in projections), each with a mean and a variance
            assertThat(FlatParameters.of(model).statisticNames()).hasSize(40);
        }
    }

    @Test
    void badSpecsAreRefused() {
        assertThatThrownBy(() -> spec("vgg16", 2)).isInstanceOf(UserException.class)
                .hasMessageContaining("expected one of small, resnet18, resnet34, resnet50 or a CNN genome");
        assertThatThrownBy(() -> spec("resnet18", 1)).isInstanceOf(UserException.class)
                .hasMessageContaining("at least 2 classes");
        assertThatThrownBy(() -> ModelSpec.builder().setArchitecture("resnet50").setNumClasses(2).optInputSize(16)
                .build()).isInstanceOf(UserException.class).hasMessageContaining("at least 32 pixels");
    }

    private static ModelSpec spec(String name, int classes) {
        return ModelSpec.builder().setArchitecture(name).setNumClasses(classes).optInputSize(96).build();
    }
}
