package io.histoscale.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * A model's state as it travels between sites: all trainable parameters and all batch-norm statistics, each one flat
 * run of floats in {@link FlatParameters}' order. Buffers are little-endian and read from position 0.
 */
public record ModelWeights(FloatBuffer parameters, FloatBuffer statistics) {

    /** A copy of a model's current state. */
    public static ModelWeights of(FlatParameters flat) {
        FloatBuffer parameters = floats(flat.size());
        flat.exportParameters(parameters);
        FloatBuffer statistics = floats(flat.statisticsSize());
        flat.exportStatistics(statistics);
        return new ModelWeights(parameters.flip(), statistics.flip());
    }

    /** Writes this state into a model. */
    public void into(FlatParameters flat) {
        if (parameters.capacity() != flat.size() || statistics.capacity() != flat.statisticsSize()) {
            throw new IllegalArgumentException("weights of " + parameters.capacity() + "+" + statistics.capacity()
                    + " floats do not fit a model of " + flat.size() + "+" + flat.statisticsSize());
        }
        flat.importParameters(parameters.duplicate().rewind());
        flat.importStatistics(statistics.duplicate().rewind());
    }

    /** Floats in both buffers. */
    public long floatCount() {
        return (long) parameters.capacity() + statistics.capacity();
    }

    /**
     * The average of several states weighted by {@code weights} (e.g. sample counts; they need not sum to 1):
     * FedAvg's aggregation, applied to batch-norm statistics as well as to weights.
     */
    public static ModelWeights weightedAverage(List<ModelWeights> states, List<Double> weights) {
        if (states.isEmpty() || states.size() != weights.size()) {
            throw new IllegalArgumentException(states.size() + " states, " + weights.size() + " weights");
        }
        double total = weights.stream().mapToDouble(Double::doubleValue).sum();
        if (!(total > 0)) {
            throw new IllegalArgumentException("weights sum to " + total);
        }
        ModelWeights first = states.get(0);
        return new ModelWeights(average(states.stream().map(ModelWeights::parameters).toList(), weights, total,
                first.parameters.capacity()),
                average(states.stream().map(ModelWeights::statistics).toList(), weights, total,
                        first.statistics.capacity()));
    }

    private static FloatBuffer average(List<FloatBuffer> buffers, List<Double> weights, double total, int n) {
        double[] sum = new double[n];
        for (int s = 0; s < buffers.size(); s++) {
            FloatBuffer b = buffers.get(s);
            if (b.capacity() != n) {
                throw new IllegalArgumentException("states of different models: " + b.capacity() + " vs " + n);
            }
            double w = weights.get(s) / total;
            for (int i = 0; i < n; i++) {
                sum[i] += w * b.get(i);
            }
        }
        FloatBuffer out = floats(n);
        for (int i = 0; i < n; i++) {
            out.put(i, (float) sum[i]);
        }
        return out;
    }

    /** A new little-endian direct float buffer of {@code n} values. */
    public static FloatBuffer floats(int n) {
        return ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }
}
