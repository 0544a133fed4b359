package io.histoscale.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;

import java.util.List;

/**
 * Squeeze-and-excitation (Hu et al., 2018): each channel of the input scaled by
 * {@code sigmoid(W2 relu(W1 avgpool(x) + b1) + b2)}, {@code W1} reducing the channels by a factor, {@code W2}
 * restoring them; {@code 2 C (C / r) + C / r + C} parameters for {@code C} channels and reduction {@code r}.
 */
final class SqueezeExcitation {

    private SqueezeExcitation() {
    }

    /** The block for {@code channels} input channels (a multiple of {@code reduction}). */
    static Block of(int channels, int reduction) {
        Block gate = new SequentialBlock()
                .add(Pool.globalAvgPool2dBlock())
                .add(Architectures.linear(squeezed(channels, reduction)))
                .add(Activation.reluBlock())
                .add(Architectures.linear(channels))
                .add(Activation.sigmoidBlock());
        return new ParallelBlock(outputs -> {
            NDArray x = outputs.get(0).singletonOrThrow();
            NDArray scale = outputs.get(1).singletonOrThrow();
            return new NDList(x.mul(scale.reshape(scale.getShape().get(0), scale.getShape().get(1), 1, 1)));
        }, List.of(Blocks.identityBlock(), gate));
    }

    /** Trainable parameters of {@link #of}. */
    static long parameterCount(int channels, int reduction) {
        long squeezed = squeezed(channels, reduction);
        return 2 * channels * squeezed + squeezed + channels;
    }

    private static int squeezed(int channels, int reduction) {
        return Math.max(1, channels / reduction);
    }
}
