package io.histoscale.train.step;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.histoscale.model.FlatParameters.Segment;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Adam or SGD with momentum over {@link Segment}s. On the CPU the segments are 1 MiB pieces of the flat parameter
 * and gradient buffers, so a step is a few dozen native calls whose passes over the data stay in cache (ResNet-18:
 * 16 ms, against 18 ms for PyTorch's own optimiser and about twice that for DJL's per-parameter trainer step).
 *
 * <p>The arithmetic is DJL's {@code adamUpdate} and {@code sgdUpdate}, run by PyTorch. Weight decay is the L2 kind,
 * added to the gradient. SGD folds the learning rate into its momentum buffer ({@code v = m v + lr g; w -= v}),
 * which equals PyTorch's {@code v = m v + g; w -= lr v} while the learning rate stays constant.
 */
public final class FlatOptimizer {

    private final boolean adam;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float momentum;
    private final float weightDecay;
    private float learningRate;
    private int steps;
    /** Per segment: Adam's first and second moments, or SGD's momentum buffer (none without momentum). */
    private final List<NDArray[]> state = new ArrayList<>();

    private FlatOptimizer(boolean adam, float learningRate, float momentum, float weightDecay) {
        this.adam = adam;
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.beta1 = 0.9f;
        this.beta2 = 0.999f;
        this.epsilon = 1e-8f;
    }

    /** Adam with PyTorch's defaults (betas 0.9, 0.999; eps 1e-8). */
    public static FlatOptimizer adam(float learningRate, float weightDecay) {
        return new FlatOptimizer(true, learningRate, 0f, weightDecay);
    }

    /** SGD; with {@code momentum > 0}, heavy-ball momentum. */
    public static FlatOptimizer sgd(float learningRate, float momentum, float weightDecay) {
        return new FlatOptimizer(false, learningRate, momentum, weightDecay);
    }

    /** Updates every segment's weights in place from its gradients (which it leaves unchanged). */
    public void step(List<Segment> segments) {
        steps++;
        // Adam's bias corrections, folded into the step size as DJL does
        double corrected = learningRate * Math.sqrt(1 - Math.pow(beta2, steps)) / (1 - Math.pow(beta1, steps));
        for (int i = 0; i < segments.size(); i++) {
            NDArray weights = segments.get(i).weights();
            NDArray gradients = segments.get(i).gradients();
            NDArray[] s = stateOf(i, weights);
            NDList weightList = new NDList(weights);
            if (adam) {
                weights.getNDArrayInternal().adamUpdate(new NDList(weights, gradients, s[0], s[1]), weightList,
                        learningRate, (float) corrected, weightDecay, 1f, -1f, beta1, beta2, epsilon, false, false);
            } else {
                NDList inputs = momentum > 0 ? new NDList(weights, gradients, s[0]) : new NDList(weights, gradients);
                weights.getNDArrayInternal().sgdUpdate(inputs, weightList,
                        learningRate, weightDecay, 1f, -1f, momentum, false);
            }
        }
    }

    public float learningRate() {
        return learningRate;
    }

    /** Changes the step size from the next step on (for schedules). */
    public void setLearningRate(float learningRate) {
        this.learningRate = learningRate;
    }

    /** Steps taken so far. */
    public int steps() {
        return steps;
    }

    /** Floats in the optimiser's state: two per weight for Adam, one for SGD with momentum, none before a step. */
    public int stateSize() {
        return state.stream().flatMap(Arrays::stream).mapToInt(a -> Math.toIntExact(a.size())).sum();
    }

    /** Copies the state, segment by segment ({@link #stateSize()} floats), for exact resumption after a restart. */
    public void exportState(FloatBuffer dst) {
        for (NDArray[] buffers : state) {
            for (NDArray buffer : buffers) {
                dst.put(buffer.toByteBuffer().asFloatBuffer());
            }
        }
    }

    /**
     * Restores state from {@link #exportState} for the same segments, with the number of steps taken; no remaining
     * floats means a fresh start.
     *
     * @throws IllegalArgumentException when the floats do not fit the segments
     */
    public void importState(List<Segment> segments, FloatBuffer src, int steps) {
        state.clear();
        this.steps = steps;
        if (!src.hasRemaining()) {
            return;
        }
        long needed = segments.stream().mapToLong(s -> s.weights().size()).sum() * buffersPerSegment();
        if (src.remaining() != needed) {
            throw new IllegalArgumentException("optimiser state has " + src.remaining() + " floats, the segments need "
                    + needed);
        }
        for (int i = 0; i < segments.size(); i++) {
            NDArray[] buffers = stateOf(i, segments.get(i).weights());
            for (NDArray buffer : buffers) {
                int n = Math.toIntExact(buffer.size());
                buffer.set(src.slice(src.position(), n));
                src.position(src.position() + n);
            }
        }
    }

    @Override
    public String toString() {
        return adam ? "adam" : momentum > 0 ? "sgd-momentum" : "sgd";
    }

    private int buffersPerSegment() {
        return adam ? 2 : momentum > 0 ? 1 : 0;
    }

    private NDArray[] stateOf(int segment, NDArray weights) {
        while (state.size() <= segment) {
            state.add(null);
        }
        if (state.get(segment) == null) {
            NDArray[] zeros = new NDArray[buffersPerSegment()];
            for (int b = 0; b < zeros.length; b++) {
                zeros[b] = weights.zerosLike();
            }
            state.set(segment, zeros);
        }
        return state.get(segment);
    }
}
