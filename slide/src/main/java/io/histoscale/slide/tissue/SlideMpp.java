package io.histoscale.slide.tissue;

import io.histoscale.core.UserException;
import io.histoscale.slide.Slide;

/** A slide's level-0 resolution, which tissue detection and patch grids cannot do without. */
final class SlideMpp {
    private SlideMpp() {
    }

    /**
     * @throws UserException with key {@code assume_mpp} when the slide records none: wrap it with
     *                       {@link io.histoscale.slide.Slides#withAssumedMpp}
     */
    static double of(Slide slide) {
        return slide.mpp().orElseThrow(() -> UserException.forKey("assume_mpp", "needed: slide " + slide.path()
                + " does not record its resolution (µm per pixel); give one,"
                + " e.g. 0.25 for a 40x scan or 0.5 for 20x"));
    }
}
