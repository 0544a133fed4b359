package io.histoscale.train.step;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.histoscale.model.Architecture;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.FlatParameters;
import io.histoscale.model.ModelSpec;
import io.histoscale.model.TorchEngine;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TrainStepTest {

    private static final ModelSpec SMALL = ModelSpec.builder().setArchitecture(Architecture.SMALL).setNumClasses(2)
            .optInputSize(32).build();

    @Test
    void smallNetworkLearnsBrightFromDarkPatches() {
        TorchEngine.start(EngineSettings.defaults().withThreads(1).withSeed(1));
        try (Model model = SMALL.newModel(Device.cpu())) {
            TrainStep step = TrainStep.builder(model).optOptimizer(FlatOptimizer.adam(3e-3f, 0f)).build();
            float firstLoss = 0;
            float lastLoss = 0;
            for (int i = 0; i < 15; i++) {
                try (NDManager batch = model.getNDManager().newSubManager()) {
                    NDList data = patches(batch, 32);
                    lastLoss = step.run(data.get(0), data.get(1));
                    firstLoss = i == 0 ? lastLoss : firstLoss;
                }
            }
            assertThat(lastLoss).isLessThan(firstLoss / 4);
            try (NDManager test = model.getNDManager().newSubManager()) {
                NDList data = patches(test, 400);
                NDArray predicted = model.getBlock().forward(new ParameterStore(test, false),
                        new NDList(data.get(0)), false).singletonOrThrow().argMax(1);
                float accuracy = predicted.eq(data.get(1)).toType(DataType.FLOAT32, false).mean().getFloat();
                assertThat(accuracy).isGreaterThan(0.95f);
            }
        }
    }

    @Test
    void theOptimiserUsesTheGradientsWrittenBeforeTheStep() {
        TorchEngine.start(EngineSettings.defaults().withThreads(1).withSeed(2));
        try (Model model = SMALL.newModel(Device.cpu()); NDManager batch = model.getNDManager().newSubManager()) {
            FlatParameters flat = FlatParameters.of(model);
            float[] before = new float[flat.size()];
            flat.exportParameters(FloatBuffer.wrap(before));
            float[] written = new float[flat.size()];
            for (int i = 0; i < written.length; i++) {
                written[i] = ((i * 7919) % 201 - 100) / 1024f;
            }
            TrainStep step = TrainStep.builder(model)
                    .optOptimizer(FlatOptimizer.sgd(1f, 0f, 0f))
                    .optGradientExchange(p -> p.writeGradients(FloatBuffer.wrap(written)))
                    .build();
            NDList data = patches(batch, 8);
            step.run(data.get(0), data.get(1));

            float[] after = new float[flat.size()];
            step.parameters().exportParameters(FloatBuffer.wrap(after));
            for (int i = 0; i < after.length; i++) {
                if (Float.floatToRawIntBits(after[i]) != Float.floatToRawIntBits(before[i] - written[i])) {
                    throw new AssertionError("value " + i + ": " + after[i] + " != " + before[i] + " - " + written[i]);
                }
            }
        }
    }

    /** From zero moments, Adam moves w by -lr * g * sqrt(1 - beta2) / (sqrt(1 - beta2) * |g| + eps). */
    @Test
    void firstAdamStepFollowsAdamsFormulaForEveryWeight() {
        TorchEngine.start(EngineSettings.defaults().withThreads(1).withSeed(3));
        try (Model model = SMALL.newModel(Device.cpu()); NDManager batch = model.getNDManager().newSubManager()) {
            FlatParameters flat = FlatParameters.of(model);
            float[] before = new float[flat.size()];
            flat.exportParameters(FloatBuffer.wrap(before));
            float[] gradients = new float[flat.size()];
            TrainStep step = TrainStep.builder(model)
                    .optOptimizer(FlatOptimizer.adam(1e-3f, 0f))
                    .optGradientExchange(p -> p.readGradients(FloatBuffer.wrap(gradients)))
                    .build();
            NDList data = patches(batch, 8);
            step.run(data.get(0), data.get(1));

            float[] after = new float[flat.size()];
            flat.exportParameters(FloatBuffer.wrap(after));
            double root = Math.sqrt(1 - 0.999);
            int moved = 0;
            for (int i = 0; i < after.length; i++) {
                double expected = -1e-3 * gradients[i] * root / (root * Math.abs(gradients[i]) + 1e-8);
                // within float rounding of the weights themselves
                assertThat((double) after[i] - before[i]).as("value %d", i).isCloseTo(expected, within(5e-7));
                moved += Math.abs(expected) > 5e-4 ? 1 : 0;
            }
            assertThat(moved).isGreaterThan(flat.size() / 2);
            assertThat(step.optimizer().steps()).isEqualTo(1);
        }
    }

    @Test
    void stepsLeaveNoArraysBehind() {
        TorchEngine.start(EngineSettings.defaults().withThreads(1).withSeed(4));
        try (Model model = SMALL.newModel(Device.cpu()); NDManager batch = model.getNDManager().newSubManager()) {
            TrainStep step = TrainStep.builder(model).build();
            NDList data = patches(batch, 4);
            step.run(data.get(0), data.get(1)); // creates the optimiser's state
            int arrays = ((BaseNDManager) model.getNDManager()).getManagedArrays().size();
            for (int i = 0; i < 5; i++) {
                step.run(data.get(0), data.get(1));
            }
            assertThat(((BaseNDManager) model.getNDManager()).getManagedArrays()).hasSize(arrays);
            assertThat(data.get(0).getManager()).isSameAs(batch);
        }
    }

    /** Patches of Gaussian noise, brighter (class 1) or darker (class 0) by 0.1 standard deviations. */
    static NDList patches(NDManager manager, int count) {
        NDArray labels = manager.randomInteger(0, 2, new Shape(count), DataType.INT64);
        NDArray offsets = labels.toType(DataType.FLOAT32, false).mul(0.2f).sub(0.1f).reshape(count, 1, 1, 1);
        NDArray images = manager.randomNormal(SMALL.inputShape(count)).add(offsets);
        return new NDList(images, labels);
    }
}
