package io.histoscale.slide.tissue;

import io.histoscale.core.UserException;
import io.histoscale.slide.Slide;

import java.util.OptionalDouble;

/** A slide's level-0 resolution, or the one the user told us to assume when the file records none. */
final class SlideMpp {
    private SlideMpp() {
    }

    static double of(Slide slide, OptionalDouble assumed) {
        OptionalDouble recorded = slide.mpp();
        if (recorded.isPresent() && recorded.getAsDouble() > 0) return recorded.getAsDouble();
        if (assumed.isPresent()) return assumed.getAsDouble();
        throw new UserException("slide " + slide.path() + " does not record its resolution (µm per pixel): give it with"
                + " --assume-mpp, e.g. 0.25 for a 40x scan or 0.5 for 20x");
    }
}
