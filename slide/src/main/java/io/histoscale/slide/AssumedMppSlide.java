package io.histoscale.slide;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * A slide with a resolution assumed for it when its file records none; see {@link Slides#withAssumedMpp}. Everything
 * else, closing included, goes to the slide it wraps.
 */
final class AssumedMppSlide implements Slide {

    private final Slide slide;
    private final OptionalDouble mppX;
    private final OptionalDouble mppY;

    AssumedMppSlide(Slide slide, double assumedMpp) {
        this.slide = slide;
        boolean recorded = slide.mpp().isPresent();
        this.mppX = recorded ? slide.mppX() : OptionalDouble.of(assumedMpp);
        this.mppY = recorded ? slide.mppY() : OptionalDouble.of(assumedMpp);
    }

    @Override
    public Path path() {
        return slide.path();
    }

    @Override
    public String format() {
        return slide.format();
    }

    @Override
    public SlideBackend backend() {
        return slide.backend();
    }

    @Override
    public int levelCount() {
        return slide.levelCount();
    }

    @Override
    public long width(int level) {
        return slide.width(level);
    }

    @Override
    public long height(int level) {
        return slide.height(level);
    }

    @Override
    public double downsample(int level) {
        return slide.downsample(level);
    }

    @Override
    public OptionalDouble mppX() {
        return mppX;
    }

    @Override
    public OptionalDouble mppY() {
        return mppY;
    }

    @Override
    public OptionalDouble objectivePower() {
        return slide.objectivePower();
    }

    /** The file's properties: the assumption is not one of them. */
    @Override
    public Map<String, String> properties() {
        return slide.properties();
    }

    @Override
    public Set<String> associatedImageNames() {
        return slide.associatedImageNames();
    }

    @Override
    public BufferedImage associatedImage(String name) {
        return slide.associatedImage(name);
    }

    @Override
    public BufferedImage readRegion(int level, long x, long y, int w, int h) {
        return slide.readRegion(level, x, y, w, h);
    }

    @Override
    public int bestLevelForDownsample(double downsample) {
        return slide.bestLevelForDownsample(downsample);
    }

    @Override
    public void close() {
        slide.close();
    }

    @Override
    public String toString() {
        return "AssumedMppSlide[" + mppX + ", " + slide + "]";
    }
}
