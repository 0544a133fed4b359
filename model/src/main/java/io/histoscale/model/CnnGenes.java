package io.histoscale.model;

import io.histoscale.core.UserException;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@link CnnArchitecture}'s genes as a map of gene name to value, and their range checks. */
final class CnnGenes {

    static final Set<String> NAMES =
            Set.of("stages", "blocks", "width", "kernel", "block", "expansion", "se", "dropout");

    private CnnGenes() {
    }

    static CnnArchitecture fromMap(Map<String, ?> genes) {
        for (String key : genes.keySet()) {
            if (!NAMES.contains(key)) {
                throw UserException.forKey("arch." + key, "is not a gene of the cnn family: give stages, blocks, "
                        + "width, kernel, block, expansion, se or dropout");
            }
        }
        CnnArchitecture d = CnnArchitecture.DEFAULT;
        return new CnnArchitecture(
                integer(genes, "stages", d.stages()),
                integer(genes, "blocks", d.blocks()),
                real(genes, "width", d.width()),
                integer(genes, "kernel", d.kernel()),
                blockType(genes, d.block()),
                integer(genes, "expansion", d.expansion()),
                bool(genes, "se", d.se()),
                real(genes, "dropout", d.dropout()));
    }

    static Map<String, Object> toMap(CnnArchitecture a) {
        Map<String, Object> genes = new LinkedHashMap<>();
        genes.put("stages", a.stages());
        genes.put("blocks", a.blocks());
        genes.put("width", a.width());
        genes.put("kernel", a.kernel());
        genes.put("block", a.block().geneValue());
        if (a.block() == CnnArchitecture.BlockType.INVERTED) {
            genes.put("expansion", a.expansion());
        }
        genes.put("se", a.se());
        genes.put("dropout", a.dropout());
        return genes;
    }

    /** @throws UserException keyed {@code arch.<gene>} unless {@code min <= value <= max} */
    static void requireInRange(String gene, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw UserException.forKey("arch." + gene, number(value) + ": give " + number(min) + " to "
                    + number(max));
        }
    }

    private static int integer(Map<String, ?> genes, String gene, int fallback) {
        Object value = genes.get(gene);
        if (value == null) {
            return fallback;
        }
        double number = number(gene, value, "an integer");
        if (number != Math.rint(number) || Math.abs(number) > Integer.MAX_VALUE) {
            throw UserException.forKey("arch." + gene, value + ": give an integer");
        }
        return (int) number;
    }

    private static double real(Map<String, ?> genes, String gene, double fallback) {
        Object value = genes.get(gene);
        return value == null ? fallback : number(gene, value, "a number");
    }

    private static double number(String gene, Object value, String what) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw UserException.forKey("arch." + gene, "'" + value + "': give " + what);
    }

    private static boolean bool(Map<String, ?> genes, String gene, boolean fallback) {
        Object value = genes.get(gene);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = value.toString().trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw UserException.forKey("arch." + gene, "'" + value + "': give true or false");
    }

    private static CnnArchitecture.BlockType blockType(Map<String, ?> genes, CnnArchitecture.BlockType fallback) {
        Object value = genes.get("block");
        if (value == null) {
            return fallback;
        }
        CnnArchitecture.BlockType type = CnnArchitecture.BlockType.fromGeneValue(value.toString());
        if (type == null) {
            throw UserException.forKey("arch.block", "'" + value + "': give plain, residual or inverted");
        }
        return type;
    }

    /** {@code 4} for 4.0, {@code 0.25} for 0.25. */
    private static String number(double value) {
        return value == Math.rint(value) && !Double.isInfinite(value)
                ? Long.toString((long) value) : Double.toString(value);
    }
}
