package io.histoscale.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.XavierInitializer;

import java.util.List;

/**
 * Builds HistoScale's networks from DJL blocks, with the same layers, shapes and parameter counts as their PyTorch
 * counterparts.
 *
 * <p>The ResNets are torchvision's ({@code torchvision.models.resnet18/34/50}): a 7x7/2 stem convolution, 3x3/2 max
 * pooling, four stages of basic blocks (18, 34) or bottleneck blocks with the stride on the 3x3 convolution (50),
 * 1x1 projection shortcuts where the shape changes, global average pooling and one linear layer. DJL's own
 * {@code ResNetV1} is a different network on inputs above 32 pixels (a small bottleneck net), hence these builders.
 * Convolutions have no bias (batch norm follows each); weights start Kaiming-normal (fan-out), as in torchvision.
 */
public final class Architectures {

    private static final int[] RESNET18_34_50_WIDTHS = {64, 128, 256, 512};

    private Architectures() {
    }

    /** The network an architecture names, with {@code numClasses} outputs (logits): {@code architecture.build}. */
    public static Block build(Architecture architecture, int numClasses) {
        return architecture.build(numClasses);
    }

    /** Four conv3x3-BN-ReLU-maxpool2 blocks (32, 64, 128, 256 channels), global average pooling, linear. */
    public static SequentialBlock small(int numClasses) {
        SequentialBlock net = new SequentialBlock();
        for (int channels : new int[] {32, 64, 128, 256}) {
            net.add(conv(channels, 3, 1))
                    .add(batchNorm())
                    .add(Activation.reluBlock())
                    .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        }
        return head(net, numClasses);
    }

    /**
     * A torchvision ResNet.
     *
     * @param blocksPerStage residual blocks in each of the four stages
     * @param bottleneck     bottleneck blocks (1x1, 3x3, 1x1 with 4x expansion) instead of basic ones (3x3, 3x3)
     */
    public static SequentialBlock resnet(int[] blocksPerStage, boolean bottleneck, int numClasses) {
        SequentialBlock net = new SequentialBlock()
                .add(conv(64, 7, 2))
                .add(batchNorm())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
        int expansion = bottleneck ? 4 : 1;
        int inChannels = 64;
        for (int stage = 0; stage < blocksPerStage.length; stage++) {
            int width = RESNET18_34_50_WIDTHS[stage];
            for (int i = 0; i < blocksPerStage[stage]; i++) {
                int stride = stage > 0 && i == 0 ? 2 : 1;
                boolean project = stride != 1 || inChannels != width * expansion;
                net.add(residual(bottleneck ? bottleneckBranch(width, stride) : basicBranch(width, stride),
                        project ? projection(width * expansion, stride) : Blocks.identityBlock()));
                inChannels = width * expansion;
            }
        }
        return head(net, numClasses);
    }

    private static SequentialBlock head(SequentialBlock features, int numClasses) {
        return head(features, numClasses, 0);
    }

    /** Global average pooling, dropout with probability {@code dropout} when it is positive, a linear layer. */
    static SequentialBlock head(SequentialBlock features, int numClasses, double dropout) {
        features.add(Pool.globalAvgPool2dBlock());
        if (dropout > 0) {
            features.add(Dropout.builder().optRate((float) dropout).build());
        }
        return features.add(linear(numClasses));
    }

    /** A linear layer with torch.nn.Linear's default weights. */
    static Linear linear(int units) {
        Linear linear = Linear.builder().setUnits(units).build();
        // U(-1/sqrt(fan_in), 1/sqrt(fan_in)), torch.nn.Linear's default
        linear.setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                XavierInitializer.FactorType.IN, 1), Parameter.Type.WEIGHT);
        return linear;
    }

    private static Block basicBranch(int width, int stride) {
        return new SequentialBlock()
                .add(conv(width, 3, stride)).add(batchNorm()).add(Activation.reluBlock())
                .add(conv(width, 3, 1)).add(batchNorm());
    }

    private static Block bottleneckBranch(int width, int stride) {
        return new SequentialBlock()
                .add(conv(width, 1, 1)).add(batchNorm()).add(Activation.reluBlock())
                .add(conv(width, 3, stride)).add(batchNorm()).add(Activation.reluBlock())
                .add(conv(width * 4, 1, 1)).add(batchNorm());
    }

    static Block projection(int channels, int stride) {
        return new SequentialBlock().add(conv(channels, 1, stride)).add(batchNorm());
    }

    /** relu(branch(x) + shortcut(x)); the sum is taken in place on the branch output, as torchvision does. */
    static Block residual(Block branch, Block shortcut) {
        return new ParallelBlock(outputs -> new NDList(Activation.relu(
                outputs.get(0).singletonOrThrow().addi(outputs.get(1).singletonOrThrow()))),
                List.of(branch, shortcut));
    }

    /** branch(x) + x, with no activation after the sum (MobileNetV2's linear bottleneck); taken in place. */
    static Block identitySum(Block branch) {
        return new ParallelBlock(outputs -> new NDList(
                outputs.get(0).singletonOrThrow().addi(outputs.get(1).singletonOrThrow())),
                List.of(branch, Blocks.identityBlock()));
    }

    static Conv2d conv(int filters, int kernel, int stride) {
        return conv(filters, kernel, stride, 1);
    }

    /**
     * A bias-free {@code kernel x kernel} convolution with "same" padding, Kaiming-normal (fan-out) weights;
     * {@code groups} equal to the input channels makes it depthwise.
     */
    static Conv2d conv(int filters, int kernel, int stride, int groups) {
        Conv2d conv = Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .optGroups(groups)
                .optBias(false)
                .build();
        // N(0, 2 / fan_out): torchvision's kaiming_normal_(mode="fan_out", nonlinearity="relu")
        conv.setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                XavierInitializer.FactorType.OUT, 2), Parameter.Type.WEIGHT);
        return conv;
    }

    static Block batchNorm() {
        return new BatchNorm2d();
    }
}
