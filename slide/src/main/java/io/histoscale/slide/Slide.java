package io.histoscale.slide;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * One whole-slide image: a pyramid of levels, level 0 the finest.
 *
 * <p>Coordinates follow OpenSlide: {@link #readRegion} takes the top-left corner in level-0 pixels and the size in
 * pixels of the level read. Implementations are safe to read from several threads at once.
 */
public interface Slide extends AutoCloseable {

    Path path();

    /** Format as OpenSlide names its vendors ("aperio", "hamamatsu", "mirax", "generic-tiff", ...). */
    String format();

    /** Which reader serves this slide ("openslide", "tiff", ...). */
    SlideBackend backend();

    int levelCount();

    long width(int level);

    long height(int level);

    /** Level-0 pixels per pixel of this level (1.0 for level 0). */
    double downsample(int level);

    /** Micrometres per level-0 pixel along x and y, when the file says. */
    OptionalDouble mppX();

    OptionalDouble mppY();

    /** Mean of {@link #mppX()} and {@link #mppY()}, when both are known. */
    default OptionalDouble mpp() {
        OptionalDouble x = mppX(), y = mppY();
        return x.isPresent() && y.isPresent() ? OptionalDouble.of((x.getAsDouble() + y.getAsDouble()) / 2) : x.isPresent() ? x : y;
    }

    /** Scanner objective magnification of level 0, when the file says. */
    OptionalDouble objectivePower();

    /** All properties the reader exposes, under OpenSlide's names where they exist ("openslide.mpp-x", ...). */
    Map<String, String> properties();

    /** Names of associated images ("thumbnail", "label", "macro"), possibly empty. */
    Set<String> associatedImageNames();

    BufferedImage associatedImage(String name);

    /**
     * Reads an RGB region ({@link BufferedImage#TYPE_INT_RGB}); transparent pixels (outside the scanned area) come back
     * white.
     *
     * @param level pyramid level
     * @param x     left edge in level-0 pixels
     * @param y     top edge in level-0 pixels
     * @param w     width in pixels of {@code level}
     * @param h     height in pixels of {@code level}
     */
    BufferedImage readRegion(int level, long x, long y, int w, int h);

    /** The coarsest level whose downsample does not exceed {@code downsample} (level 0 if none). */
    default int bestLevelForDownsample(double downsample) {
        int best = 0;
        for (int l = 0; l < levelCount(); l++) {
            if (downsample(l) <= downsample * (1 + 1e-6)) best = l;
        }
        return best;
    }

    /** Releases native handles and open files; reads after close fail. */
    @Override
    void close();
}
