package io.histoscale.train.augment;

import io.histoscale.core.UserException;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which random changes training applies to each patch.
 *
 * @param flips        mirror left-right at random
 * @param rotations    rotate by a random multiple of 90 degrees
 * @param crops        cut the input at a random place of the patch (else at its centre) when the patch is larger
 * @param hedJitter    strength of the HED stain jitter ({@link HedJitter}); 0 for none
 * @param colourJitter strength of the brightness, contrast and saturation jitter ({@link ColourJitter}); 0 for none
 */
public record Augmentation(boolean flips, boolean rotations, boolean crops, double hedJitter, double colourJitter) {

    /** Names of the changes, as {@link #parse} takes them. */
    public static final List<String> NAMES = List.of("flip", "rot90", "crop", "hed", "colour");

    public static final Augmentation NONE = new Augmentation(false, false, false, 0, 0);

    public Augmentation {
        if (!(hedJitter >= 0 && hedJitter < 1) || !(colourJitter >= 0 && colourJitter < 1)) {
            throw new UserException("jitter strengths must be in [0, 1): HED " + hedJitter + ", colour "
                    + colourJitter);
        }
    }

    /** Every change, with HED strength 0.05 and colour strength 0.1. */
    public static Augmentation standard() {
        return new Augmentation(true, true, true, 0.05, 0.1);
    }

    /**
     * The changes named in a comma-separated list (of {@link #NAMES}, or {@code none}), the jitters at the given
     * strengths.
     *
     * @throws UserException for an unknown name
     */
    public static Augmentation parse(String list, double hedStrength, double colourStrength) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : list.toLowerCase(Locale.ROOT).split(",")) {
            if (!name.isBlank()) {
                names.add(name.strip());
            }
        }
        names.remove("none");
        for (String name : names) {
            if (!NAMES.contains(name)) {
                throw UserException.forKey("augmentation", "'" + name + "': expected a comma-separated list of " + NAMES
                        + ", or none");
            }
        }
        return new Augmentation(names.contains("flip"), names.contains("rot90"), names.contains("crop"),
                names.contains("hed") ? hedStrength : 0, names.contains("colour") ? colourStrength : 0);
    }
}
