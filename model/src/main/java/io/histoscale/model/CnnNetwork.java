package io.histoscale.model;

import ai.djl.nn.Activation;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;

import static io.histoscale.model.Architectures.batchNorm;
import static io.histoscale.model.Architectures.conv;

/** Builds a {@link CnnArchitecture}'s network, and counts its parameters from the genes. */
final class CnnNetwork {

    private static final int STEM_KERNEL = 3;

    private CnnNetwork() {
    }

    static SequentialBlock build(CnnArchitecture a, int numClasses) {
        int in = a.channels(0);
        SequentialBlock net = new SequentialBlock()
                .add(conv(in, STEM_KERNEL, 1)).add(batchNorm()).add(Activation.reluBlock());
        for (int stage = 0; stage < a.stages(); stage++) {
            int out = a.channels(stage);
            for (int i = 0; i < a.blocks(); i++) {
                net.add(block(a, in, out, i == 0 ? 2 : 1));
                in = out;
            }
        }
        return Architectures.head(net, numClasses, a.dropout());
    }

    private static Block block(CnnArchitecture a, int in, int out, int stride) {
        int k = a.kernel();
        return switch (a.block()) {
            case PLAIN -> new SequentialBlock().add(conv(out, k, stride)).add(batchNorm()).add(se(a, out))
                    .add(Activation.reluBlock());
            case RESIDUAL -> Architectures.residual(
                    new SequentialBlock()
                            .add(conv(out, k, stride)).add(batchNorm()).add(Activation.reluBlock())
                            .add(conv(out, k, 1)).add(batchNorm()).add(se(a, out)),
                    shortcut(in, out, stride));
            case INVERTED -> {
                int hidden = in * a.expansion();
                Block branch = new SequentialBlock()
                        .add(conv(hidden, 1, 1)).add(batchNorm()).add(Activation.relu6Block())
                        .add(conv(hidden, k, stride, hidden)).add(batchNorm()).add(Activation.relu6Block())
                        .add(conv(out, 1, 1)).add(batchNorm()).add(se(a, out));
                yield stride == 1 && in == out ? Architectures.identitySum(branch) : branch;
            }
        };
    }

    /**
     * The residual block's shortcut where the shape changes: ResNet-D's (He et al. 2019, "Bag of Tricks"): 2x2
     * average pooling (ceil mode, padding not counted, so odd sides match the branch) then a 1x1 convolution and batch
     * norm, instead of a 1x1 convolution of stride 2 that drops three pixels in four. It also keeps clear of a oneDNN
     * fault: libtorch 2.7.1's AVX-512 backward pass of a 1x1 stride-2 convolution of 8 channels corrupts the heap.
     */
    private static Block shortcut(int in, int out, int stride) {
        if (stride == 1 && in == out) {
            return Blocks.identityBlock();
        }
        SequentialBlock s = new SequentialBlock();
        if (stride != 1) {
            s.add(Pool.avgPool2dBlock(new Shape(stride, stride), new Shape(stride, stride), new Shape(0, 0), true,
                    false));
        }
        return s.add(conv(out, 1, 1)).add(batchNorm());
    }

    private static Block se(CnnArchitecture a, int channels) {
        return a.se() ? SqueezeExcitation.of(channels, CnnArchitecture.SE_REDUCTION) : Blocks.identityBlock();
    }

    static long parameterCount(CnnArchitecture a, int numClasses) {
        int in = a.channels(0);
        long count = convWeights(ModelSpec.CHANNELS, in, STEM_KERNEL, 1) + 2L * in;
        for (int stage = 0; stage < a.stages(); stage++) {
            int out = a.channels(stage);
            for (int i = 0; i < a.blocks(); i++) {
                count += blockParameters(a, in, out, i == 0 ? 2 : 1);
                in = out;
            }
        }
        return count + (long) in * numClasses + numClasses;
    }

    private static long blockParameters(CnnArchitecture a, int in, int out, int stride) {
        int k = a.kernel();
        long se = a.se() ? SqueezeExcitation.parameterCount(out, CnnArchitecture.SE_REDUCTION) : 0;
        return se + switch (a.block()) {
            case PLAIN -> convWeights(in, out, k, 1) + 2L * out;
            case RESIDUAL -> convWeights(in, out, k, 1) + convWeights(out, out, k, 1) + 4L * out
                    + (stride != 1 || in != out ? convWeights(in, out, 1, 1) + 2L * out : 0);
            case INVERTED -> {
                int hidden = in * a.expansion();
                yield convWeights(in, hidden, 1, 1) + convWeights(hidden, hidden, k, hidden) + convWeights(hidden, out, 1, 1)
                        + 4L * hidden + 2L * out;
            }
        };
    }

    /** Weights of a bias-free convolution. */
    private static long convWeights(int in, int out, int kernel, int groups) {
        return (long) out * (in / groups) * kernel * kernel;
    }
}
