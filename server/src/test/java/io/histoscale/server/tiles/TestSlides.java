package io.histoscale.server.tiles;

import io.histoscale.slide.Slide;
import io.histoscale.slide.SlideBackend;
import io.histoscale.synth.SyntheticSlide;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** Slides for the tile tests: a small synthetic H&amp;E slide, and an in-memory slide of any size. */
final class TestSlides {

    private TestSlides() {
    }

    /** A 3000×2000 px synthetic slide (1.5 × 1 mm at 0.5 µm/px; levels 3000×2000 and 750×500), tissue in the middle. */
    static Path synthetic(Path dir) {
        Path file = dir.resolve("small.svs");
        SyntheticSlide.builder().optSizeMm(1.5, 1.0).optMpp(0.5).optSeed(3).addTumour(0.3).build().writeTiff(file);
        return file;
    }

    /**
     * A slide held in memory whose pixel at level-0 (x, y) is a smooth colour of its position; levels shrink by
     * {@code factor}. Counts reads and whether it was closed.
     */
    static final class Gradient implements Slide {
        final long width, height;
        final int levels;
        final double factor;
        final AtomicInteger reads = new AtomicInteger();
        volatile boolean closed;

        Gradient(long width, long height, int levels, double factor) {
            this.width = width;
            this.height = height;
            this.levels = levels;
            this.factor = factor;
        }

        @Override
        public Path path() {
            return Path.of("/gradient-" + width + "x" + height);
        }

        @Override
        public String format() {
            return "test";
        }

        @Override
        public SlideBackend backend() {
            return new SlideBackend("test");
        }

        @Override
        public int levelCount() {
            return levels;
        }

        @Override
        public long width(int level) {
            return (long) Math.ceil(width / downsample(level));
        }

        @Override
        public long height(int level) {
            return (long) Math.ceil(height / downsample(level));
        }

        @Override
        public double downsample(int level) {
            return Math.pow(factor, level);
        }

        @Override
        public OptionalDouble mppX() {
            return OptionalDouble.of(0.25);
        }

        @Override
        public OptionalDouble mppY() {
            return OptionalDouble.of(0.25);
        }

        @Override
        public OptionalDouble objectivePower() {
            return OptionalDouble.empty();
        }

        @Override
        public Map<String, String> properties() {
            return Map.of();
        }

        @Override
        public Set<String> associatedImageNames() {
            return Set.of();
        }

        @Override
        public BufferedImage associatedImage(String name) {
            throw new IllegalArgumentException(name);
        }

        @Override
        public BufferedImage readRegion(int level, long x, long y, int w, int h) {
            if (closed) throw new IllegalStateException("closed");
            reads.incrementAndGet();
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            double ds = downsample(level);
            for (int j = 0; j < h; j++) {
                for (int i = 0; i < w; i++) {
                    double x0 = x + i * ds, y0 = y + j * ds;
                    int r = (int) (x0 * 255 / width), g = (int) (y0 * 255 / height), b = 128;
                    image.setRGB(i, j, Math.min(255, r) << 16 | Math.min(255, g) << 8 | b);
                }
            }
            return image;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
