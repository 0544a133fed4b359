package io.histoscale.parallel.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;

import java.util.ArrayList;
import java.util.List;

/**
 * Model parallelism, first step: a sequential network (e.g. a ResNet) cut into two stages, trained GPipe-style
 * (Huang et al. 2019) on micro-batches. Each micro-batch goes forward through stage 1, its activation is handed to
 * stage 2 (as it would be sent to the next device or rank), the loss goes backward through stage 2, and the gradient
 * of the activation is handed back and goes backward through stage 1. Gradients accumulate over the micro-batches,
 * weighted by their share of the batch, so that one optimiser step follows, as with the whole batch at once.
 *
 * <p>Here both stages run on the CPU one after the other: this shows the mechanics and their correctness (the
 * gradients are the unsplit network's), not a speed-up. With stages on two GPUs or two ranks, stage 1 works on
 * micro-batch m+1 while stage 2 works on m; the schedule then leaves each stage idle for a "bubble" of
 * {@link #bubbleFraction} of the time.
 *
 * <p>When it pays off: when the model (weights, optimiser state and activations for a batch) does not fit one
 * device, or when data parallelism's gradient allreduce, which grows with the parameters, costs more than sending
 * activations, which grow with the batch: large networks on slow interconnects. A ResNet-18/50 for 96–224 px
 * patches fits any current GPU many times over, so for HistoScale's patch classifiers data parallelism is the better
 * choice; pipelining becomes relevant for slide-level models over tens of thousands of patch embeddings, or very
 * wide backbones. Batch norm sees micro-batches, not the batch: with M &gt; 1 micro-batches its training-mode
 * statistics differ from the unsplit batch's (as in GPipe); with running statistics (frozen batch norm) or M = 1
 * the gradients are the same.
 */
public final class Pipeline {

    private final SequentialBlock first;
    private final SequentialBlock second;
    private final int microBatches;
    private final ParameterStore parameterStore;
    private final Loss loss = new SoftmaxCrossEntropyLoss();

    private Pipeline(SequentialBlock first, SequentialBlock second, int microBatches, NDManager manager) {
        this.first = first;
        this.second = second;
        this.microBatches = microBatches;
        this.parameterStore = new ParameterStore(manager, false);
    }

    /**
     * Cuts an initialised sequential network before child {@code at}; the stages share its parameters.
     *
     * @param manager manager of the network's model
     */
    public static Pipeline split(SequentialBlock net, int at, int microBatches, NDManager manager) {
        List<Block> children = net.getChildren().values();
        if (at < 1 || at >= children.size()) {
            throw new IllegalArgumentException("cut point " + at + " outside 1.." + (children.size() - 1));
        }
        if (microBatches < 1) {
            throw new IllegalArgumentException("at least one micro-batch");
        }
        SequentialBlock first = new SequentialBlock();
        SequentialBlock second = new SequentialBlock();
        for (int i = 0; i < children.size(); i++) {
            (i < at ? first : second).add(children.get(i));
        }
        return new Pipeline(first, second, microBatches, manager);
    }

    /** The two stages. */
    public List<Block> stages() {
        return List.of(first, second);
    }

    /**
     * Forward and backward passes of one batch over the micro-batches, adding the gradients of the batch's mean
     * loss to the parameters' gradients (zero them before; step the optimiser after).
     *
     * @param training whether batch norm uses the micro-batch's statistics (true) or its running ones
     * @return the batch's mean loss
     */
    public float backward(NDArray images, NDArray labels, boolean training) {
        long n = images.getShape().get(0);
        if (n < microBatches) {
            throw new IllegalArgumentException("batch of " + n + " cannot be cut into " + microBatches
                    + " micro-batches");
        }
        double total = 0;
        try (NDManager step = images.getManager().newSubManager();
             GradientCollector collector = images.getManager().getEngine().newGradientCollector()) {
            List<NDArray> outputs = new ArrayList<>();
            List<NDArray> inputs = new ArrayList<>();
            List<NDArray> losses = new ArrayList<>();
            // forward: the fill phase of the schedule; stage 2 receives a detached copy, as across devices
            for (int m = 0; m < microBatches; m++) {
                long from = n * m / microBatches;
                long to = n * (m + 1) / microBatches;
                NDIndex range = new NDIndex(from + ":" + to);
                NDArray x = images.get(range);
                x.attach(step);
                NDArray activation = first.forward(parameterStore, new NDList(x), training).singletonOrThrow();
                NDArray received = activation.stopGradient();
                received.setRequiresGradient(true);
                NDArray logits = second.forward(parameterStore, new NDList(received), training).singletonOrThrow();
                NDArray y = labels.get(range);
                NDArray microLoss = loss.evaluate(new NDList(y), new NDList(logits)).mul((float) (to - from) / n);
                outputs.add(activation);
                inputs.add(received);
                losses.add(microLoss);
            }
            // backward: the drain phase, last micro-batch first; the activation gradient goes back to stage 1
            for (int m = microBatches - 1; m >= 0; m--) {
                collector.backward(losses.get(m));
                total += losses.get(m).getFloat();
                NDArray gradient = inputs.get(m).getGradient();
                JniUtils.backward((PtNDArray) outputs.get(m), (PtNDArray) gradient, false, false);
            }
        }
        return (float) total;
    }

    /**
     * Share of time each stage idles in a GPipe schedule of {@code stages} stages and {@code microBatches}
     * micro-batches: {@code (S − 1) / (M + S − 1)}.
     */
    public static double bubbleFraction(int stages, int microBatches) {
        return (stages - 1.0) / (microBatches + stages - 1.0);
    }
}
