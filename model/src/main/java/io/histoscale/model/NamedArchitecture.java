package io.histoscale.model;

import ai.djl.nn.Block;

/** The fixed networks, each with its own {@code --model} name; {@link Architectures} builds them. */
public enum NamedArchitecture implements Architecture {
    /** Four conv-BN-ReLU-pool blocks and a linear classifier, ~0.4 M parameters: fast tests and smoke runs. */
    SMALL("small", 16),
    /** torchvision's ResNet-18: basic blocks [2, 2, 2, 2]. */
    RESNET18("resnet18", 32),
    /** torchvision's ResNet-34: basic blocks [3, 4, 6, 3]. */
    RESNET34("resnet34", 32),
    /** torchvision's ResNet-50: bottleneck blocks [3, 4, 6, 3]. */
    RESNET50("resnet50", 32);

    private final String cliName;
    private final int minInputSize;

    NamedArchitecture(String cliName, int minInputSize) {
        this.cliName = cliName;
        this.minInputSize = minInputSize;
    }

    @Override
    public String cliName() {
        return cliName;
    }

    @Override
    public int minInputSize() {
        return minInputSize;
    }

    @Override
    public Block build(int numClasses) {
        return switch (this) {
            case SMALL -> Architectures.small(numClasses);
            case RESNET18 -> Architectures.resnet(new int[] {2, 2, 2, 2}, false, numClasses);
            case RESNET34 -> Architectures.resnet(new int[] {3, 4, 6, 3}, false, numClasses);
            case RESNET50 -> Architectures.resnet(new int[] {3, 4, 6, 3}, true, numClasses);
        };
    }

    @Override
    public String toString() {
        return cliName;
    }
}
