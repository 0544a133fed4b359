package io.histoscale.model;

import ai.djl.nn.Block;
import io.histoscale.core.UserException;

import java.util.Locale;
import java.util.Map;

/**
 * A member of HistoScale's searchable CNN family: a genome of eight genes that {@link #build} turns into an
 * ordinary network, named so that {@link Architecture#fromName} gives it back.
 *
 * <p>Layout: a stem (3x3 convolution, stride 1, batch norm, ReLU) with {@link #channels channels(0)} filters;
 * {@code stages} stages of {@code blocks} blocks each, the first block of every stage with stride 2; global
 * average pooling, dropout when {@code dropout > 0}, and a linear classifier. Stage {@code i} has
 * {@code round8(16 * 2^i * width)} channels, where {@code round8} is the nearest multiple of 8 (halves up), at
 * least 8. The blocks:
 * <ul>
 *   <li>{@code plain}: {@code kernel x kernel} convolution, batch norm, [squeeze-excitation], ReLU;</li>
 *   <li>{@code residual}: torchvision's basic block (two {@code kernel x kernel} convolutions with batch norm,
 *       ReLU between), [squeeze-excitation], plus the input (through a 1x1 convolution and batch norm where the
 *       shape changes), ReLU;</li>
 *   <li>{@code inverted}: MobileNetV2's inverted bottleneck: 1x1 expansion to {@code expansion} times the input
 *       channels, depthwise {@code kernel x kernel} convolution, 1x1 projection, each with batch norm, ReLU6 after
 *       the first two, [squeeze-excitation]; plus the input when the stride is 1 and the channels are kept.</li>
 * </ul>
 * Squeeze-excitation, when {@code se} is on, scales the channels at the end of each block's branch by
 * {@code sigmoid(W2 relu(W1 avgpool(x)))} with a reduction of 4. Convolutions and linear layers start as in
 * {@link Architectures}. A network of {@code s} stages halves its input {@code s} times, so
 * {@link #minInputSize()} is {@code 2^s}.
 *
 * <p>The name ({@link #cliName()}) lists the genes in a fixed order, leaving out those that do not apply:
 * {@code cnn-s<stages>-b<blocks>-w<width>-k<kernel>-<block>[-e<expansion>][-se][-d<dropout>]}, e.g.
 * {@code cnn-s4-b2-w1.00-k3-residual-se-d0.10} or {@code cnn-s2-b1-w0.50-k3-inverted-e2-se}; {@code -e} only for
 * inverted blocks, {@code -se} when squeeze-excitation is on, {@code -d} when dropout is positive. Width and
 * dropout are kept to two decimals (a genome is rounded to them when made), so a name names exactly one genome.
 *
 * @param stages    down-sampling stages, 1 to 6
 * @param blocks    blocks per stage, 1 to 4
 * @param width     channel multiplier, 0.25 to 4.0 (rounded to 0.01)
 * @param kernel    side of the spatial convolutions, 3 or 5
 * @param block     the kind of block
 * @param expansion the inverted bottleneck's expansion, 2 to 6; 4 (ignored) for other blocks
 * @param se        squeeze-excitation at the end of every block's branch
 * @param dropout   dropout probability before the classifier, 0 to 0.5 (rounded to 0.01)
 */
public record CnnArchitecture(int stages, int blocks, double width, int kernel, BlockType block, int expansion,
                              boolean se, double dropout) implements Architecture {

    /** The family's name, and the first part of every genome's name. */
    public static final String FAMILY = "cnn";

    /** How a genome is named, for messages. */
    public static final String SYNTAX =
            "cnn-s<stages 1-6>-b<blocks 1-4>-w<width 0.25-4.00>-k<kernel 3|5>-<plain|residual|inverted>"
                    + "[-e<expansion 2-6>][-se][-d<dropout 0-0.50>], e.g. cnn-s4-b2-w1.00-k3-residual-se-d0.10";

    /** The inverted bottleneck's default expansion, and the value other blocks carry. */
    public static final int DEFAULT_EXPANSION = 4;

    /** Every gene at its default: {@code cnn-s4-b1-w1.00-k3-plain}. */
    public static final CnnArchitecture DEFAULT =
            new CnnArchitecture(4, 1, 1.0, 3, BlockType.PLAIN, DEFAULT_EXPANSION, false, 0.0);

    /** Channels of the stage-0 width before the multiplier; each later stage doubles it. */
    static final int BASE_CHANNELS = 16;
    /** Squeeze-excitation's reduction of the channels. */
    static final int SE_REDUCTION = 4;

    /** The blocks a stage is made of. */
    public enum BlockType {
        /** Convolution, batch norm, ReLU. */
        PLAIN,
        /** torchvision's basic residual block. */
        RESIDUAL,
        /** MobileNetV2's inverted bottleneck with a depthwise convolution. */
        INVERTED;

        /** The gene value: {@code plain}, {@code residual} or {@code inverted}. */
        public String geneValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The block type a gene value names (case-insensitive), or null. */
        static BlockType fromGeneValue(String value) {
            for (BlockType t : values()) {
                if (t.geneValue().equalsIgnoreCase(value.trim())) {
                    return t;
                }
            }
            return null;
        }
    }

    /**
     * Checks every gene, rounds width and dropout to two decimals and sets the expansion of non-inverted blocks to
     * its default.
     *
     * @throws UserException keyed {@code arch.<gene>} for the first gene out of range
     */
    public CnnArchitecture {
        CnnGenes.requireInRange("stages", stages, 1, 6);
        CnnGenes.requireInRange("blocks", blocks, 1, 4);
        CnnGenes.requireInRange("width", width, 0.25, 4.0);
        if (kernel != 3 && kernel != 5) {
            throw UserException.forKey("arch.kernel", kernel + ": give 3 or 5");
        }
        if (block == null) {
            throw UserException.forKey("arch.block", "missing: give plain, residual or inverted");
        }
        CnnGenes.requireInRange("expansion", expansion, 2, 6);
        CnnGenes.requireInRange("dropout", dropout, 0.0, 0.5);
        width = hundredths(width);
        dropout = hundredths(dropout);
        if (block != BlockType.INVERTED) {
            expansion = DEFAULT_EXPANSION;
        }
    }

    /**
     * The genome a name gives; genes the name leaves out take their defaults ({@code cnn} alone is
     * {@link #DEFAULT}). Parts may come in any order, case-insensitive.
     *
     * @throws UserException keyed {@code model} for a name that is not a genome or a gene out of range
     */
    public static CnnArchitecture fromName(String name) {
        return CnnNames.parse(name);
    }

    /**
     * The genome given gene by gene, as a search space or a YAML/JSON file gives them: keys {@code stages},
     * {@code blocks}, {@code width}, {@code kernel}, {@code block}, {@code expansion}, {@code se}, {@code dropout};
     * numbers as any {@link Number} (an integral {@code 4.0} for an integer gene) or text, {@code se} as a
     * {@link Boolean} or {@code "true"}/{@code "false"}, {@code block} as text. Missing genes take their defaults.
     *
     * @throws UserException keyed {@code arch.<gene>} for an unknown gene or a bad value
     */
    public static CnnArchitecture fromGenes(Map<String, ?> genes) {
        return CnnGenes.fromMap(genes);
    }

    /** Whether a {@code --model} value belongs to this family ({@code cnn} or {@code cnn-...}, any case). */
    public static boolean isFamilyName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.equals(FAMILY) || n.startsWith(FAMILY + "-");
    }

    /**
     * The genes that apply, by name, in name order ({@code expansion} only for inverted blocks);
     * {@link #fromGenes} gives back an equal genome.
     */
    public Map<String, Object> genes() {
        return CnnGenes.toMap(this);
    }

    @Override
    public String cliName() {
        return CnnNames.format(this);
    }

    @Override
    public int minInputSize() {
        return 1 << stages;
    }

    @Override
    public Block build(int numClasses) {
        return CnnNetwork.build(this, numClasses);
    }

    /** Output channels of stage {@code stage} (0-based); the stem has those of stage 0. */
    public int channels(int stage) {
        return round8(BASE_CHANNELS * Math.pow(2, stage) * width);
    }

    /**
     * Trainable parameters of the network with {@code numClasses} outputs, counted from the genes alone
     * (equal to {@link ModelSpec#parameterCount()}, which builds the network).
     */
    public long parameterCount(int numClasses) {
        return CnnNetwork.parameterCount(this, numClasses);
    }

    @Override
    public String toString() {
        return cliName();
    }

    /** The nearest multiple of 8 (halves up), at least 8. */
    static int round8(double channels) {
        return Math.max(8, (int) Math.floor(channels / 8 + 0.5) * 8);
    }

    private static double hundredths(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
