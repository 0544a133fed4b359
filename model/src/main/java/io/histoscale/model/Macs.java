package io.histoscale.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;

/**
 * Multiply-accumulate operations (MACs) of a network's forward pass, counted from its layers and the input shape
 * alone, without initialising or running it.
 *
 * <p>Counted: convolutions ({@code output pixels x filters x input channels / groups x kernel area}, so a
 * depthwise convolution costs {@code output pixels x channels x kernel area}) and linear layers ({@code inputs x
 * units} per position). Not counted: biases, batch norm, activations, pooling, element-wise sums and products.
 * This is torchvision's convention (the "GFLOPS" of its model table: at 224x224, ResNet-18 1.81 G, ResNet-50
 * 4.09 G); ptflops also counts batch norm, activations and pooling and gives ResNet-18 1.82 G.
 *
 * <p>The walk follows {@link SequentialBlock} (children in turn) and {@link ParallelBlock} (children on the same
 * input); any other block is a leaf, and a leaf with children is refused.
 */
public final class Macs {

    private Macs() {
    }

    /**
     * MACs of one forward pass of {@code block} on a batch of shape {@code input} (NCHW); pass a batch of 1 for
     * the cost per image. The default engine must be loaded ({@link TorchEngine#get()}): parameter-free
     * lambda blocks such as pooling infer their output shapes by running on zeros.
     *
     * @throws IllegalArgumentException for a block with children that is neither sequential nor parallel
     */
    public static long of(Block block, Shape input) {
        return walk(block, input);
    }

    private static long walk(Block block, Shape input) {
        if (block instanceof SequentialBlock sequential) {
            long macs = 0;
            Shape shape = input;
            for (Block child : sequential.getChildren().values()) {
                macs += walk(child, shape);
                shape = child.getOutputShapes(new Shape[] {shape})[0];
            }
            return macs;
        }
        if (block instanceof ParallelBlock parallel) {
            long macs = 0;
            for (Block child : parallel.getChildren().values()) {
                macs += walk(child, input);
            }
            return macs;
        }
        if (block instanceof Convolution conv) {
            Shape output = conv.getOutputShapes(new Shape[] {input})[0];
            long kernelArea = conv.getKernelShape().size();
            return output.size() * (input.get(1) / conv.getGroups()) * kernelArea;
        }
        if (block instanceof Linear linear) {
            Shape output = linear.getOutputShapes(new Shape[] {input})[0];
            return input.size() * output.get(output.dimension() - 1);
        }
        if (!block.getChildren().isEmpty()) {
            throw new IllegalArgumentException("cannot count the MACs of " + block.getClass().getName()
                    + ": only sequential and parallel blocks are walked into");
        }
        return 0;
    }
}
