package io.histoscale.model;

import io.histoscale.core.UserException;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The networks HistoScale builds itself, by {@code --model} name. */
public enum Architecture {
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

    Architecture(String cliName, int minInputSize) {
        this.cliName = cliName;
        this.minInputSize = minInputSize;
    }

    /**
     * The architecture a {@code --model} value names.
     *
     * @throws UserException for an unknown name
     */
    public static Architecture fromName(String name) {
        for (Architecture a : values()) {
            if (a.cliName.equalsIgnoreCase(name == null ? "" : name.trim())) {
                return a;
            }
        }
        throw UserException.forKey("model", "'" + name + "': expected one of " + names());
    }

    /** All names {@link #fromName} accepts, comma-separated. */
    public static String names() {
        return Arrays.stream(values()).map(Architecture::cliName).collect(Collectors.joining(", "));
    }

    /** The {@code --model} name. */
    public String cliName() {
        return cliName;
    }

    /** The smallest square input the network's down-sampling leaves at least one pixel of. */
    public int minInputSize() {
        return minInputSize;
    }

    @Override
    public String toString() {
        return cliName;
    }
}
