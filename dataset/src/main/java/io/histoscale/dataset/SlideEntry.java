package io.histoscale.dataset;

import io.histoscale.core.UserException;

/**
 * Where patches come from: one slide, the patient it belongs to and the centre (hospital, scanner site) that made it.
 *
 * @param name    unique slide name, for example {@code tumor_004}
 * @param patient patient id; the slide name when not given
 * @param centre  centre or site id; {@value #UNKNOWN_CENTRE} when not given
 * @param mpp     micrometres per level-0 pixel, {@code NaN} when unknown
 */
public record SlideEntry(String name, String patient, String centre, double mpp) {
    public static final String UNKNOWN_CENTRE = "unknown";

    public SlideEntry {
        if (name == null || name.isBlank()) throw new UserException("A slide needs a non-empty name.");
        if (patient == null || patient.isBlank()) patient = name;
        if (centre == null || centre.isBlank()) centre = UNKNOWN_CENTRE;
        if (!(mpp > 0) && !Double.isNaN(mpp)) {
            throw new UserException("Slide " + name + ": micrometres per pixel must be positive (or unknown), not " + mpp + ".");
        }
    }

    /** A slide that is its own patient, from an unknown centre, of unknown resolution. */
    public static SlideEntry of(String name) {
        return new SlideEntry(name, null, null, Double.NaN);
    }
}
