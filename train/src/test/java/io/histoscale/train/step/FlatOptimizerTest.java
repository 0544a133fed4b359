package io.histoscale.train.step;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.histoscale.model.Architecture;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.ModelSpec;
import io.histoscale.model.TorchEngine;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlatOptimizerTest {

    private static final ModelSpec SMALL = ModelSpec.builder().setArchitecture(Architecture.SMALL).setNumClasses(2)
            .optInputSize(16).build();

    @Test
    void stateSurvivesExportAndImport() {
        TorchEngine.start(EngineSettings.defaults().withThreads(1).withSeed(5));
        try (Model model = SMALL.newModel(Device.cpu()); NDManager batch = model.getNDManager().newSubManager()) {
            FlatOptimizer adam = FlatOptimizer.adam(1e-3f, 1e-4f);
            TrainStep step = TrainStep.builder(model).optOptimizer(adam).build();
            assertThat(adam.stateSize()).isZero();
            NDList data = TrainStepTest.patches(batch, 4);
            step.run(data.get(0), data.get(1));
            step.run(data.get(0), data.get(1));
            int paddedSize = step.parameters().segments().stream().mapToInt(s -> (int) s.weights().size()).sum();
            assertThat(adam.stateSize()).isEqualTo(2 * paddedSize);

            FloatBuffer saved = FloatBuffer.allocate(adam.stateSize());
            adam.exportState(saved);
            FlatOptimizer resumed = FlatOptimizer.adam(1e-3f, 1e-4f);
            resumed.importState(step.parameters().segments(), saved.flip(), adam.steps());
            FloatBuffer again = FloatBuffer.allocate(resumed.stateSize());
            resumed.exportState(again);
            assertThat(again.array()).isEqualTo(saved.array());
            assertThat(resumed.steps()).isEqualTo(2);

            assertThatThrownBy(() -> FlatOptimizer.adam(1e-3f, 0f).importState(step.parameters().segments(),
                    FloatBuffer.allocate(10), 1)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
