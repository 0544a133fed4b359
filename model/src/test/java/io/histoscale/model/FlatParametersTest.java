package io.histoscale.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

class FlatParametersTest {

    private static final ModelSpec SPEC = ModelSpec.builder().setArchitecture(Architecture.SMALL).setNumClasses(3)
            .optInputSize(32).build();

    @Test
    void layoutFollowsSortedNamesAndCountsEveryValue() {
        try (Model model = newModel(1)) {
            FlatParameters flat = FlatParameters.of(model);
            assertThat(flat.size()).isEqualTo(SPEC.parameterCount());
            assertThat(flat.names()).isSorted().hasSize(4 * 3 + 2);
            assertThat(flat.statisticNames()).isSorted().hasSize(4 * 2);
            assertThat(flat.statisticsSize()).isEqualTo(2 * (32 + 64 + 128 + 256));
        }
    }

    @Test
    void parametersAndStatisticsTravelBitwiseBetweenModels() {
        try (Model source = newModel(1); Model target = newModel(2)) {
            FlatParameters from = FlatParameters.of(source);
            FlatParameters to = FlatParameters.of(target);
            trainingForward(source); // moves the running statistics away from their initial values
            FloatBuffer weights = direct(from.size());
            FloatBuffer stats = direct(from.statisticsSize());
            from.exportParameters(weights);
            from.exportStatistics(stats);
            assertThat(weights.position()).isEqualTo(from.size());

            to.importParameters(weights.flip());
            to.importStatistics(stats.flip());

            assertThat(bits(exportParameters(to))).isEqualTo(bits(exportParameters(from)));
            assertThat(bits(perParameter(target.getBlock(), false))).isEqualTo(bits(perParameter(source.getBlock(),
                    false)));
            assertThat(bits(perParameter(target.getBlock(), true))).isEqualTo(bits(perParameter(source.getBlock(),
                    true)));
            float[] expected = inference(source);
            assertThat(inference(target)).isEqualTo(expected);
        }
    }

    @Test
    void gradientsReadAreThoseOfEachParameterAndWriteReadRoundTrips() {
        try (Model model = newModel(3)) {
            FlatParameters flat = FlatParameters.of(model);
            for (int pass = 0; pass < 2; pass++) { // the second pass checks that zeroing keeps the binding
                flat.zeroGradients();
                backward(model);
                FloatBuffer read = direct(flat.size());
                flat.readGradients(read);
                assertThat(bits(read)).isEqualTo(bits(perParameterGradients(model.getBlock())));
                assertThat(maxAbs(values(read))).isGreaterThan(0f);
            }
            float[] written = new float[flat.size()];
            for (int i = 0; i < written.length; i++) {
                written[i] = (i % 7 - 3) * 0.125f + Float.MIN_VALUE * (i % 3);
            }
            flat.writeGradients(FloatBuffer.wrap(written));
            FloatBuffer again = FloatBuffer.allocate(flat.size());
            flat.readGradients(again);
            assertThat(bits(again.array())).isEqualTo(bits(written));
            assertThat(bits(perParameterGradients(model.getBlock()))).isEqualTo(bits(written));

            flat.zeroGradients();
            assertThat(maxAbs(perParameterGradients(model.getBlock()))).isZero();
        }
    }

    @Test
    void segmentsCoverExactlyTheTrainableValues() {
        try (Model model = newModel(4)) {
            FlatParameters flat = FlatParameters.of(model);
            long sum = 0;
            double segmentsSquares = 0;
            for (FlatParameters.Segment s : flat.segments()) {
                sum += s.weights().size();
                assertThat(s.gradients().getShape()).isEqualTo(s.weights().getShape());
                segmentsSquares += s.weights().square().sum().getFloat();
            }
            assertThat(sum).isBetween((long) flat.size(), flat.size() + 16L * flat.names().size());
            float[] weights = exportParameters(flat);
            double squares = 0;
            for (float w : weights) {
                squares += (double) w * w;
            }
            assertThat(segmentsSquares).isCloseTo(squares, withinPercentage(1e-4));
        }
    }

    @Test
    void loadingWeightsIntoTheModelIsDetected() throws Exception {
        try (Model model = newModel(5)) {
            FlatParameters flat = FlatParameters.of(model);
            ByteArrayOutputStream saved = new ByteArrayOutputStream();
            model.getBlock().saveParameters(new DataOutputStream(saved));
            model.getBlock().loadParameters(model.getNDManager(),
                    new DataInputStream(new ByteArrayInputStream(saved.toByteArray())));
            assertThatThrownBy(() -> flat.readGradients(direct(flat.size())))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("create a new FlatParameters after loading");
        }
    }

    @Test
    void shortBuffersAreRefused() {
        try (Model model = newModel(6)) {
            FlatParameters flat = FlatParameters.of(model);
            assertThatThrownBy(() -> flat.exportParameters(FloatBuffer.allocate(flat.size() - 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needed");
        }
    }

    private static Model newModel(int seed) {
        TorchEngine.start(EngineSettings.defaults().withThreads(1).withSeed(seed));
        return SPEC.newModel(Device.cpu());
    }

    private static void trainingForward(Model model) {
        try (NDManager m = model.getNDManager().newSubManager()) {
            model.getBlock().forward(new ParameterStore(m, false), new NDList(m.randomNormal(SPEC.inputShape(4))),
                    true);
        }
    }

    private static void backward(Model model) {
        try (NDManager m = model.getNDManager().newSubManager();
             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray out = model.getBlock().forward(new ParameterStore(m, false),
                    new NDList(m.randomNormal(SPEC.inputShape(4))), true).singletonOrThrow();
            collector.backward(out.square().sum());
        }
    }

    private static float[] inference(Model model) {
        try (NDManager m = model.getNDManager().newSubManager()) {
            m.getEngine().setRandomSeed(11);
            NDArray input = m.randomNormal(SPEC.inputShape(2));
            return model.getBlock().forward(new ParameterStore(m, false), new NDList(input), false)
                    .singletonOrThrow().toFloatArray();
        }
    }

    private static float[] exportParameters(FlatParameters flat) {
        FloatBuffer weights = FloatBuffer.allocate(flat.size());
        flat.exportParameters(weights);
        return weights.array();
    }

    /** All values of the trainable parameters (or of the running statistics), in name order. */
    private static float[] perParameter(Block block, boolean statistics) {
        return concat(sorted(block).stream().filter(p -> p.getValue().requiresGradient() != statistics)
                .map(p -> p.getValue().getArray().toFloatArray()).toList());
    }

    private static float[] perParameterGradients(Block block) {
        return concat(sorted(block).stream().filter(p -> p.getValue().requiresGradient())
                .map(p -> {
                    try (NDArray g = p.getValue().getArray().getGradient()) {
                        return g.toFloatArray();
                    }
                }).toList());
    }

    private static List<Pair<String, Parameter>> sorted(Block block) {
        return block.getParameters().stream().sorted(Comparator.comparing(Pair::getKey)).toList();
    }

    private static float[] concat(List<float[]> parts) {
        float[] all = new float[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static float[] values(FloatBuffer buffer) {
        FloatBuffer all = buffer.duplicate().clear();
        float[] values = new float[all.remaining()];
        all.get(values);
        return values;
    }

    private static int[] bits(FloatBuffer buffer) {
        return bits(values(buffer));
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    private static float maxAbs(float[] values) {
        float max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
