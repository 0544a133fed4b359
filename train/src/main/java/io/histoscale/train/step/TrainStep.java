package io.histoscale.train.step;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import io.histoscale.model.ChannelsLast;
import io.histoscale.model.FlatParameters;
import io.histoscale.model.TorchEngine;

import java.util.function.Consumer;

/**
 * One training step of a classifier: forward pass, softmax cross-entropy, backward pass, optional gradient exchange
 * (e.g. an MPI allreduce through {@link FlatParameters}), optimiser step.
 *
 * <p>Every array a step creates lives in a per-step manager that is closed when the step ends, so native memory does
 * not grow with the number of steps. Inputs must already be on the model's device.
 */
public final class TrainStep {

    private final Model model;
    private final Block block;
    private final FlatParameters parameters;
    private final FlatOptimizer optimizer;
    private final Consumer<FlatParameters> gradientExchange;
    private final boolean channelsLast;
    private final ParameterStore parameterStore;
    private final Loss loss = new SoftmaxCrossEntropyLoss();

    private TrainStep(Builder builder) {
        this.model = builder.model;
        this.block = model.getBlock();
        this.parameters = FlatParameters.of(block);
        this.optimizer = builder.optimizer;
        this.gradientExchange = builder.gradientExchange;
        this.channelsLast = builder.channelsLast != null ? builder.channelsLast
                : !model.getNDManager().getDevice().isGpu();
        this.parameterStore = new ParameterStore(model.getNDManager(), false);
    }

    /** Starts a builder for a model whose block is initialised (and whose weights, if any, are loaded). */
    public static Builder builder(Model model) {
        return new Builder(model);
    }

    /**
     * Trains on one batch.
     *
     * @param images float32 NCHW batch on the model's device
     * @param labels class indices (int64), one per image, on the same device
     * @return the batch's mean loss before the update
     */
    public float run(NDArray images, NDArray labels) {
        TorchEngine.flushDenormalsOnThisThread();
        try (NDManager step = model.getNDManager().newSubManager(images.getDevice())) {
            images.tempAttach(step);
            labels.tempAttach(step);
            parameters.zeroGradients();
            float value;
            try (GradientCollector collector = model.getNDManager().getEngine().newGradientCollector()) {
                NDArray input = channelsLast ? ChannelsLast.of(images) : images;
                NDArray logits = block.forward(parameterStore, new NDList(input), true).singletonOrThrow();
                NDArray batchLoss = loss.evaluate(new NDList(labels), new NDList(logits));
                collector.backward(batchLoss);
                value = batchLoss.getFloat();
            }
            if (gradientExchange != null) {
                gradientExchange.accept(parameters);
            }
            optimizer.step(parameters.segments());
            return value;
        }
    }

    /** The model's parameters and gradients as flat buffers. */
    public FlatParameters parameters() {
        return parameters;
    }

    public FlatOptimizer optimizer() {
        return optimizer;
    }

    /** Whether batches are laid out channels-last before the forward pass. */
    public boolean channelsLast() {
        return channelsLast;
    }

    /** Builds a {@link TrainStep}; the default optimiser is Adam with learning rate 1e-3. */
    public static final class Builder {
        private final Model model;
        private FlatOptimizer optimizer = FlatOptimizer.adam(1e-3f, 0f);
        private Consumer<FlatParameters> gradientExchange;
        private Boolean channelsLast;

        private Builder(Model model) {
            this.model = model;
        }

        public Builder optOptimizer(FlatOptimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        /**
         * Runs between the backward pass and the optimiser step, e.g. to replace the gradients with their average
         * over all processes ({@link FlatParameters#readGradients}, allreduce, {@link FlatParameters#writeGradients}).
         */
        public Builder optGradientExchange(Consumer<FlatParameters> gradientExchange) {
            this.gradientExchange = gradientExchange;
            return this;
        }

        /**
         * Whether to lay batches out channels-last ({@link ChannelsLast}); by default yes on the CPU, where it makes
         * training faster, and no on a GPU.
         */
        public Builder optChannelsLast(boolean channelsLast) {
            this.channelsLast = channelsLast;
            return this;
        }

        public TrainStep build() {
            return new TrainStep(this);
        }
    }
}
