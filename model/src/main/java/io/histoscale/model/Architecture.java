package io.histoscale.model;

import ai.djl.nn.Block;
import io.histoscale.core.UserException;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A network HistoScale builds itself, named by the {@code model} setting ({@code --model}): one of the
 * {@link NamedArchitecture named networks} or a member of the searchable {@link CnnArchitecture CNN family}.
 *
 * <p>Implementations are immutable values; two equal architectures build the same layers. Their
 * {@link #toString()} is their {@link #cliName()}.
 *
 * <p>Keep this interface free of default methods: with one, initialising {@link NamedArchitecture} first would
 * initialise this interface, whose constants would then read the enum's constants before they are set (null).
 */
public interface Architecture {

    /** Four conv-BN-ReLU-pool blocks; see {@link NamedArchitecture#SMALL}. */
    Architecture SMALL = NamedArchitecture.SMALL;
    /** torchvision's ResNet-18; see {@link NamedArchitecture#RESNET18}. */
    Architecture RESNET18 = NamedArchitecture.RESNET18;
    /** torchvision's ResNet-34; see {@link NamedArchitecture#RESNET34}. */
    Architecture RESNET34 = NamedArchitecture.RESNET34;
    /** torchvision's ResNet-50; see {@link NamedArchitecture#RESNET50}. */
    Architecture RESNET50 = NamedArchitecture.RESNET50;

    /** The {@code --model} name, which {@link #fromName} maps back to an equal architecture. */
    String cliName();

    /** The smallest square input the network's down-sampling leaves at least one pixel of. */
    int minInputSize();

    /** A new, uninitialised network with {@code numClasses} outputs (logits). */
    Block build(int numClasses);

    /**
     * The architecture a {@code --model} value names: a named network (case-insensitive), else a CNN family
     * genome ({@code cnn-s4-b1-w1.00-k3-plain}; see {@link CnnArchitecture#fromName}).
     *
     * @throws UserException keyed {@code model} for an unknown name or a bad genome
     */
    static Architecture fromName(String name) {
        String trimmed = name == null ? "" : name.trim();
        for (NamedArchitecture a : NamedArchitecture.values()) {
            if (a.cliName().equalsIgnoreCase(trimmed)) {
                return a;
            }
        }
        if (CnnArchitecture.isFamilyName(trimmed)) {
            return CnnArchitecture.fromName(trimmed);
        }
        throw UserException.forKey("model", "'" + name + "': expected one of " + names());
    }

    /** All names {@link #fromName} accepts: the named networks, then the CNN family's syntax. */
    static String names() {
        return Arrays.stream(NamedArchitecture.values()).map(NamedArchitecture::cliName)
                .collect(Collectors.joining(", ")) + " or a CNN genome " + CnnArchitecture.SYNTAX;
    }
}
