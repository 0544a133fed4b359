package io.histoscale.slide;

import io.histoscale.slide.openslide.OpenSlideSlide;
import io.histoscale.slide.tiff.TiffSlide;

import java.nio.file.Path;
import java.util.Optional;

/** Opens slides with the best reader at hand. */
public final class Slides {

    private Slides() {
    }

    /**
     * Opens a slide with OpenSlide when its native library loads, otherwise with the pure-Java TIFF reader. TIFF files
     * OpenSlide does not recognise (cut-off copies, big-endian TIFFs that OpenSlide 3.4.1 rejects) go to the TIFF
     * reader too, which reads them or says what is wrong.
     *
     * @throws io.histoscale.core.UserException when the file is missing, not a slide, truncated or corrupt, or in a format
     *                                     only OpenSlide reads while OpenSlide is missing
     */
    public static Slide open(Path path) {
        if (!openSlideAvailable()) {
            return TiffSlide.open(path);
        }
        Optional<OpenSlideSlide> slide = OpenSlideSlide.openIfRecognised(path);
        if (slide.isPresent()) {
            return slide.get();
        }
        if (TiffSlide.isTiff(path)) {
            return TiffSlide.open(path);
        }
        throw OpenSlideSlide.notRecognised(path);
    }

    /** Opens a slide with the given reader. */
    public static Slide open(Path path, Backend backend) {
        return switch (backend) {
            case OPENSLIDE -> OpenSlideSlide.open(path);
            case TIFF -> TiffSlide.open(path);
        };
    }

    /** Whether the native OpenSlide library (Debian {@code libopenslide0}) loaded. */
    public static boolean openSlideAvailable() {
        return OpenSlideSlide.isAvailable();
    }
}
