package io.histoscale.slide;

import io.histoscale.core.UserException;

import java.nio.file.Path;
import java.util.List;

/**
 * Opens slides with the readers registered as {@link SlideReaderProvider}s: OpenSlide when its native library loads,
 * the pure-Java TIFF reader, and any other on the class path.
 */
public final class Slides {

    private Slides() {
    }

    /**
     * Opens a slide with the available reader whose probe reads it best, the next one if that reader finds the file is
     * not one it reads after all. With the readers shipped, OpenSlide opens every format it recognises; TIFF files it
     * does not (cut-off copies, big-endian TIFFs that OpenSlide 3.4.1 rejects) and every TIFF when OpenSlide is
     * missing go to the TIFF reader, which reads them or says what is wrong.
     *
     * @throws io.histoscale.core.UserException when the file is missing, not a slide, truncated or corrupt, or in a
     *                                          format only a reader that is not available here reads (saying how to
     *                                          install it)
     */
    public static Slide open(Path path) {
        return Installed.READERS.open(path);
    }

    /**
     * Opens a slide with the reader of the given backend ("openslide", "tiff", ...).
     *
     * @throws io.histoscale.core.UserException when no reader has that name (listing those that do), the reader is not
     *                                          available here, or it cannot read the file
     */
    public static Slide open(Path path, String backend) {
        return Installed.READERS.open(path, backend);
    }

    /**
     * The slide, with {@code mpp} µm per level-0 pixel as its resolution if its file records none (or only an image
     * editor's placeholder, which counts as none). A resolution the file records wins: the assumption only fills a
     * gap, so one setting can serve a batch of slides of which only some lack it. Tissue detection, patch grids and
     * inference then simply ask the slide.
     *
     * <p>The returned slide takes over {@code slide}: closing it closes {@code slide}, and so does a bad {@code mpp}
     * before the exception, so that {@code withAssumedMpp(Slides.open(path), mpp)} never leaks an open slide.
     *
     * @throws UserException with key {@code assume_mpp} when {@code mpp} is not a positive number
     */
    public static Slide withAssumedMpp(Slide slide, double mpp) {
        if (!(mpp > 0) || Double.isInfinite(mpp)) {
            slide.close();
            throw UserException.forKey("assume_mpp", mpp + ": give a positive number of µm per pixel, e.g. 0.25"
                    + " for a 40x scan or 0.5 for 20x");
        }
        return new AssumedMppSlide(slide, mpp);
    }

    /** Every registered reader, available or not, ordered by backend name. */
    public static List<SlideReaderProvider> providers() {
        return Installed.READERS.providers();
    }

    /** Discovered once, when first needed. */
    private static final class Installed {
        static final SlideReaders READERS = SlideReaders.discover();
    }
}
