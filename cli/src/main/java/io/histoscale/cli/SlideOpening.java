package io.histoscale.cli;

import io.histoscale.core.UserException;
import io.histoscale.slide.Backend;
import io.histoscale.slide.Slide;
import io.histoscale.slide.Slides;

import java.nio.file.Path;
import java.util.Locale;

/** The {@code --backend} option shared by commands that open slides. */
final class SlideOpening {
    private SlideOpening() {
    }

    static Slide open(Path path, String backend) {
        return switch (backend.toLowerCase(Locale.ROOT)) {
            case "auto" -> Slides.open(path);
            case "openslide" -> Slides.open(path, Backend.OPENSLIDE);
            case "tiff" -> Slides.open(path, Backend.TIFF);
            default -> throw new UserException("unknown --backend '" + backend + "': use auto, openslide or tiff");
        };
    }
}
