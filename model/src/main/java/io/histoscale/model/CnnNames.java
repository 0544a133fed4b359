package io.histoscale.model;

import io.histoscale.core.UserException;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** {@link CnnArchitecture}'s names: {@code cnn-s4-b1-w1.00-k3-plain}, written and read back. */
final class CnnNames {

    private CnnNames() {
    }

    static String format(CnnArchitecture a) {
        StringBuilder name = new StringBuilder(String.format(Locale.ROOT, "%s-s%d-b%d-w%.2f-k%d-%s",
                CnnArchitecture.FAMILY, a.stages(), a.blocks(), a.width(), a.kernel(), a.block().geneValue()));
        if (a.block() == CnnArchitecture.BlockType.INVERTED) {
            name.append("-e").append(a.expansion());
        }
        if (a.se()) {
            name.append("-se");
        }
        if (a.dropout() > 0) {
            name.append(String.format(Locale.ROOT, "-d%.2f", a.dropout()));
        }
        return name.toString();
    }

    /** @throws UserException keyed {@code model} for a name that is not a genome */
    static CnnArchitecture parse(String name) {
        String[] parts = (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)).split("-", -1);
        if (!parts[0].equals(CnnArchitecture.FAMILY)) {
            throw bad(name, "not a cnn genome");
        }
        CnnArchitecture d = CnnArchitecture.DEFAULT;
        int stages = d.stages();
        int blocks = d.blocks();
        double width = d.width();
        int kernel = d.kernel();
        CnnArchitecture.BlockType block = d.block();
        int expansion = d.expansion();
        boolean se = d.se();
        double dropout = d.dropout();
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty()) {
                throw bad(name, "empty part (two dashes together, or one at the end)");
            }
            CnnArchitecture.BlockType type = CnnArchitecture.BlockType.fromGeneValue(part);
            String gene = type != null ? "block" : part.equals("se") ? "se" : part.substring(0, 1);
            if (!seen.add(gene)) {
                throw bad(name, "'" + part + "' gives a gene twice");
            }
            String value = part.substring(1);
            switch (gene) {
                case "block" -> block = type;
                case "se" -> se = true;
                case "s" -> stages = integer(name, part, value);
                case "b" -> blocks = integer(name, part, value);
                case "w" -> width = real(name, part, value);
                case "k" -> kernel = integer(name, part, value);
                case "e" -> expansion = integer(name, part, value);
                case "d" -> dropout = real(name, part, value);
                default -> throw bad(name, "unknown part '" + part + "'");
            }
        }
        try {
            return new CnnArchitecture(stages, blocks, width, kernel, block, expansion, se, dropout);
        } catch (UserException e) {
            // "arch.stages 9: give 1 to 6" -> "stages 9: give 1 to 6"
            throw bad(name, e.getMessage().substring("arch.".length()));
        }
    }

    private static int integer(String name, String part, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw bad(name, "'" + part + "' needs an integer after '" + part.charAt(0) + "'");
        }
    }

    private static double real(String name, String part, String value) {
        try {
            if (!value.matches("[0-9]+(\\.[0-9]+)?")) {
                throw new NumberFormatException(value);
            }
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw bad(name, "'" + part + "' needs a number after '" + part.charAt(0) + "'");
        }
    }

    private static UserException bad(String name, String problem) {
        return UserException.forKey("model", "'" + name + "': " + problem + "; give " + CnnArchitecture.SYNTAX);
    }
}
