package io.histoscale.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.histoscale.core.UserException;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How patches' stains are normalised before training and inference. */
public enum StainNormalisation {
    /** Patches as scanned. */
    NONE,
    /** Macenko et al. 2009: stains mapped onto reference stains ({@link io.histoscale.train.augment.Macenko}). */
    MACENKO;

    /** The name in configuration files and on the command line: {@code none}, {@code macenko}. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(StainNormalisation::id).toList();
    }

    /** @throws UserException keyed {@code stain_normalisation} for an unknown name */
    @JsonCreator
    public static StainNormalisation parse(String text) {
        for (StainNormalisation s : values()) {
            if (s.id().equalsIgnoreCase(text.strip())) {
                return s;
            }
        }
        throw UserException.forKey("stain_normalisation", "'" + text + "': expected one of " + ids());
    }
}
