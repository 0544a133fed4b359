package io.histoscale.slide.tissue;

import io.histoscale.slide.Slide;
import io.histoscale.slide.SlideBackend;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/** A slide held in memory: a level-0 image and coarser levels made from it by whole downsamples. */
final class ImageSlide implements Slide {
    private final Path path;
    private final List<BufferedImage> levels = new ArrayList<>();
    private final int[] downsamples;
    private final OptionalDouble mpp;

    /** @param mpp µm per level-0 pixel, or NaN for a slide that does not say */
    ImageSlide(String name, BufferedImage level0, double mpp, int... downsamples) {
        this.path = Path.of(name);
        this.downsamples = downsamples;
        this.mpp = Double.isNaN(mpp) ? OptionalDouble.empty() : OptionalDouble.of(mpp);
        for (int d : downsamples) levels.add(d == 1 ? rgb(level0) : shrink(level0, d));
    }

    private static BufferedImage rgb(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        out.createGraphics().drawImage(image, 0, 0, null);
        return out;
    }

    private static BufferedImage shrink(BufferedImage image, int d) {
        BufferedImage out = new BufferedImage(image.getWidth() / d, image.getHeight() / d, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, out.getWidth(), out.getHeight(), null);
        g.dispose();
        return out;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public String format() {
        return "memory";
    }

    @Override
    public SlideBackend backend() {
        return new SlideBackend("memory");
    }

    @Override
    public int levelCount() {
        return levels.size();
    }

    @Override
    public long width(int level) {
        return levels.get(level).getWidth();
    }

    @Override
    public long height(int level) {
        return levels.get(level).getHeight();
    }

    @Override
    public double downsample(int level) {
        return downsamples[level];
    }

    @Override
    public OptionalDouble mppX() {
        return mpp;
    }

    @Override
    public OptionalDouble mppY() {
        return mpp;
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
        BufferedImage source = levels.get(level);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, w, h);
        int lx = (int) Math.round(x / downsample(level)), ly = (int) Math.round(y / downsample(level));
        g.drawImage(source, -lx, -ly, null);
        g.dispose();
        return out;
    }

    @Override
    public void close() {
    }
}
