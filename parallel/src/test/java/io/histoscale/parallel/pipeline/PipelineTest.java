package io.histoscale.parallel.pipeline;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.FlatParameters;
import io.histoscale.model.ModelSpec;
import io.histoscale.model.TorchEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/** A ResNet-18 cut into two pipeline stages gets the unsplit network's gradients. */
class PipelineTest {

    static Model model;
    static NDArray images;
    static NDArray labels;

    @BeforeAll
    static void network() {
        TorchEngine engine = TorchEngine.start(new EngineSettings(2, 1, 21));
        ModelSpec spec = ModelSpec.builder().setArchitecture("resnet18").setNumClasses(2).optInputSize(32).build();
        model = spec.newModel(engine.device("cpu"));
        NDManager manager = model.getNDManager();
        images = manager.randomNormal(new Shape(8, 3, 32, 32));
        labels = manager.create(new long[] {0, 1, 1, 0, 1, 0, 0, 1});
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void oneMicroBatchGivesTheUnsplitGradientsInTrainingMode() {
        compare(1, true);
    }

    @Test
    void fourMicroBatchesGiveTheUnsplitGradientsWithRunningStatistics() {
        compare(4, false);
    }

    @Test
    void fourMicroBatchesDifferInTrainingModeBatchNorm() {
        // the check can fail: batch norm over micro-batches is a different computation
        float[] whole = unsplitGradients(true);
        float[] piped = pipelineGradients(4, true);
        assertThat(maxRelative(piped, whole)).isGreaterThan(1e-2);
    }

    @Test
    void theBubbleShrinksWithMoreMicroBatches() {
        assertThat(Pipeline.bubbleFraction(2, 1)).isEqualTo(0.5);
        assertThat(Pipeline.bubbleFraction(2, 8)).isEqualTo(1.0 / 9);
    }

    private static void compare(int microBatches, boolean training) {
        float[] whole = unsplitGradients(training);
        float[] piped = pipelineGradients(microBatches, training);
        double error = maxRelative(piped, whole);
        System.out.printf("pipeline, %d micro-batch(es), %s: max |Δg| / max |g| = %.2g%n", microBatches,
                training ? "batch statistics" : "running statistics", error);
        assertThat(error).isLessThan(1e-4);
    }

    private static float[] unsplitGradients(boolean training) {
        FlatParameters flat = FlatParameters.of(model);
        flat.zeroGradients();
        ParameterStore ps = new ParameterStore(model.getNDManager(), false);
        try (GradientCollector collector = model.getNDManager().getEngine().newGradientCollector()) {
            NDArray logits = model.getBlock().forward(ps, new NDList(images), training).singletonOrThrow();
            collector.backward(new SoftmaxCrossEntropyLoss().evaluate(new NDList(labels), new NDList(logits)));
        }
        return gradients(flat);
    }

    private static float[] pipelineGradients(int microBatches, boolean training) {
        FlatParameters flat = FlatParameters.of(model);
        flat.zeroGradients();
        // after the stem and the first two residual stages: stage 1 = children 0..5, stage 2 = the rest
        Pipeline pipeline = Pipeline.split((SequentialBlock) model.getBlock(), 6, microBatches, model.getNDManager());
        pipeline.backward(images, labels, training);
        return gradients(flat);
    }

    private static float[] gradients(FlatParameters flat) {
        FloatBuffer buffer = ByteBuffer.allocateDirect(flat.size() * 4).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        flat.readGradients(buffer);
        float[] values = new float[flat.size()];
        buffer.flip().get(values);
        return values;
    }

    private static double maxRelative(float[] a, float[] b) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        assertThat(scale).isPositive();
        return diff / scale;
    }
}
