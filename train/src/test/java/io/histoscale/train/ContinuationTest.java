package io.histoscale.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.histoscale.core.Json;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.ModelSpec;
import io.histoscale.model.TorchEngine;
import io.histoscale.train.checkpoint.Checkpoint;
import io.histoscale.train.step.FlatOptimizer;
import io.histoscale.train.step.TrainStep;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Weights (through checkpoint sections) and optimiser state copied into a fresh network and optimiser continue
 * training exactly as the original: what resuming from last.ckpt relies on.
 */
class ContinuationTest {

    static final ModelSpec SPEC = ModelSpec.builder().setArchitecture("small").setNumClasses(2).optInputSize(16)
            .build();

    @Test
    void adamContinuesExactly() {
        continuesExactly(() -> FlatOptimizer.adam(1e-3f, 1e-4f));
    }

    @Test
    void sgdWithMomentumContinuesExactly() {
        continuesExactly(() -> FlatOptimizer.sgd(1e-2f, 0.9f, 1e-4f));
    }

    private static void continuesExactly(Supplier<FlatOptimizer> optimizer) {
        TorchEngine engine = TorchEngine.start(new EngineSettings(1, 1, 5));
        try (Model original = SPEC.newModel(engine.device("cpu")); Model copy = SPEC.newModel(engine.device("cpu"));
             NDManager data = NDManager.newBaseManager(engine.device("cpu"), engine.engine().getEngineName())) {
            NDArray images = data.randomNormal(SPEC.inputShape(4));
            NDArray labels = data.create(new long[] {0, 1, 1, 0});
            TrainStep a = TrainStep.builder(original).optOptimizer(optimizer.get()).build();
            a.run(images, labels);
            a.run(images, labels);

            TrainStep b = TrainStep.builder(copy).optOptimizer(optimizer.get()).build();
            Checkpoint saved = Weights.put(new Checkpoint(Json.MAPPER.createObjectNode()), a.parameters());
            Weights.load(saved, b.parameters(), null);
            FloatBuffer state = state(a);
            assertThat(state.remaining()).isPositive();
            b.optimizer().importState(b.parameters().segments(), state, a.optimizer().steps());

            for (int i = 0; i < 3; i++) {
                a.run(images, labels);
                b.run(images, labels);
            }
            assertThat(b.optimizer().steps()).isEqualTo(a.optimizer().steps());
            assertThat(weights(b)).isEqualTo(weights(a));
            assertThat(state(b)).isEqualTo(state(a));
        }
    }

    private static FloatBuffer state(TrainStep step) {
        FloatBuffer state = Checkpoint.floats(step.optimizer().stateSize());
        step.optimizer().exportState(state);
        return state.flip();
    }

    private static float[] weights(TrainStep step) {
        FloatBuffer w = FloatBuffer.allocate(step.parameters().size());
        step.parameters().exportParameters(w);
        return w.array();
    }
}
