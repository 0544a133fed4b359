package io.histoscale.slide.camelyon;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.histoscale.core.UserException;

import java.util.Locale;

/**
 * Slide-level metastasis class as Camelyon17 defines it from the largest lesion's diameter:
 * isolated tumour cells up to 0.2 mm, micro-metastasis above 0.2 mm up to 2 mm, macro-metastasis above 2 mm.
 */
public enum SlideLabel {
    NEGATIVE("negative"), ITC("itc"), MICRO("micro"), MACRO("macro");

    /** Upper bound (inclusive) of an ITC's largest diameter, in millimetres. */
    public static final double ITC_MAX_MM = 0.2;
    /** Upper bound (inclusive) of a micro-metastasis's largest diameter, in millimetres. */
    public static final double MICRO_MAX_MM = 2.0;

    private final String csvName;

    SlideLabel(String csvName) {
        this.csvName = csvName;
    }

    /** The spelling in Camelyon17's stage_labels.csv, and in JSON. */
    @JsonValue
    public String csvName() {
        return csvName;
    }

    /** Label of a slide whose largest lesion has this diameter; 0 or less means no lesion. */
    public static SlideLabel ofLargestLesionMm(double diameterMm) {
        if (diameterMm <= 0) return NEGATIVE;
        if (diameterMm <= ITC_MAX_MM) return ITC;
        if (diameterMm <= MICRO_MAX_MM) return MICRO;
        return MACRO;
    }

    /** Counts as a positive node for pN staging (ITCs do not). */
    public boolean isMetastasis() {
        return this == MICRO || this == MACRO;
    }

    @JsonCreator
    public static SlideLabel parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (SlideLabel l : values()) {
            if (l.csvName.equals(t)) return l;
        }
        throw new UserException("unknown slide label '" + text + "': use negative, itc, micro or macro");
    }
}
