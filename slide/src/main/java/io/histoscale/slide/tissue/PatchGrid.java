package io.histoscale.slide.tissue;

import io.histoscale.core.UserException;
import io.histoscale.slide.Slide;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Square patches of {@code patchSize} pixels at a requested resolution, laid on a slide in a grid, optionally only
 * where there is tissue.
 *
 * <p>Patches are read from the coarsest level that is at least as fine as the requested resolution (within
 * {@link #MPP_TOLERANCE}) and shrunk by {@link #scale()}: with a 0.25 µm/px slide of downsamples 1, 4, 16, 256-px patches at 0.5 µm/px are 512-px reads of
 * level 0, at 1.0 µm/px 256-px reads of level 1, and at 2.0 µm/px 512-px reads of level 1.
 *
 * <pre>{@code
 * PatchGrid grid = PatchGrid.builder(slide).setMpp(0.5).setPatchSize(256).optTissue(mask, 0.5).build();
 * }</pre>
 */
public final class PatchGrid {
    /** A level whose resolution is within this share of the requested one counts as that resolution. */
    public static final double MPP_TOLERANCE = 0.03;

    /**
     * One patch, located in level-0 pixels.
     *
     * @param column grid column (counted before tissue filtering)
     * @param row    grid row
     * @param x      left edge in level-0 pixels
     * @param y      top edge in level-0 pixels
     * @param size   side in level-0 pixels
     * @param tissue tissue fraction of the patch, NaN when no tissue mask was given
     */
    public record Cell(int column, int row, long x, long y, long size, double tissue) {
    }

    private final Slide slide;
    private final double mpp;
    private final double slideMpp;
    private final int patchSize;
    private final int stride;
    private final int level;
    private final double scale;
    private final int columns;
    private final int rows;
    private final List<Cell> patches;

    private PatchGrid(Builder b) {
        this.slide = b.slide;
        this.mpp = b.mpp;
        this.patchSize = b.patchSize;
        this.stride = b.stride == 0 ? b.patchSize : b.stride;
        this.slideMpp = SlideMpp.of(slide);
        this.level = level(slide, slideMpp, mpp);
        this.scale = snap(mpp / (slideMpp * slide.downsample(level)));
        double size0 = level0Size(), stride0 = stride * level0Size() / patchSize;
        this.columns = count(slide.width(0), size0, stride0);
        this.rows = count(slide.height(0), size0, stride0);
        long side = Math.round(size0);
        List<Cell> kept = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                long x = Math.round(c * stride0), y = Math.round(r * stride0);
                double tissue = b.mask == null ? Double.NaN : b.mask.fraction(x, y, side, side);
                if (b.mask == null || tissue >= b.minTissue) kept.add(new Cell(c, r, x, y, side, tissue));
            }
        }
        this.patches = List.copyOf(kept);
    }

    public static Builder builder(Slide slide) {
        return new Builder(slide);
    }

    public Slide slide() {
        return slide;
    }

    /** Resolution of the patches asked for, µm per pixel (the one read is within {@link #MPP_TOLERANCE} of it). */
    public double mpp() {
        return mpp;
    }

    /** Resolution of the slide's level 0, µm per pixel. */
    public double slideMpp() {
        return slideMpp;
    }

    public int patchSize() {
        return patchSize;
    }

    /** Step between neighbouring patches in patch pixels. */
    public int stride() {
        return stride;
    }

    /** Pyramid level patches are read from. */
    public int level() {
        return level;
    }

    /**
     * Pixels of {@link #level()} per patch pixel: 1 or more, and a whole number when within {@link #MPP_TOLERANCE}
     * of one, so that a 0.499 µm/px level serves 0.5 µm/px patches as is rather than resampled by 0.2 %.
     */
    public double scale() {
        return scale;
    }

    /** Side of the region to read at {@link #level()} for one patch, before it is resized to {@link #patchSize()}. */
    public int readSize() {
        return (int) Math.round(patchSize * scale);
    }

    /** Side of a patch in level-0 pixels. */
    public double level0Size() {
        return patchSize * scale * slide.downsample(level);
    }

    public int columns() {
        return columns;
    }

    public int rows() {
        return rows;
    }

    /** The patches kept, row by row; every grid position when no tissue mask was given. */
    public List<Cell> patches() {
        return patches;
    }

    private static double snap(double scale) {
        double whole = Math.max(1, Math.round(scale));
        return Math.abs(scale / whole - 1) <= MPP_TOLERANCE ? whole : scale;
    }

    /** Patches lying wholly on the slide along one axis. */
    private static int count(long extent0, double size0, double stride0) {
        return extent0 < size0 ? 0 : (int) Math.floor((extent0 - size0) / stride0 + 1e-9) + 1;
    }

    /** The coarsest level at least as fine as {@code mpp} (within the tolerance). */
    private static int level(Slide slide, double slideMpp, double mpp) {
        int best = -1;
        for (int l = 0; l < slide.levelCount(); l++) {
            if (slideMpp * slide.downsample(l) <= mpp * (1 + MPP_TOLERANCE)) best = l;
        }
        if (best < 0) {
            String levels = IntStream.range(0, slide.levelCount())
                    .mapToObj(l -> format(slideMpp * slide.downsample(l))).collect(Collectors.joining(", "));
            throw new UserException("slide " + slide.path() + " cannot give " + format(mpp) + " µm/px: its finest level is "
                    + format(slideMpp) + " µm/px (levels: " + levels + " µm/px); ask for " + format(slideMpp)
                    + " µm/px or coarser");
        }
        return best;
    }

    private static String format(double mpp) {
        return new BigDecimal(mpp).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    public static final class Builder {
        private final Slide slide;
        private double mpp;
        private int patchSize;
        private int stride;
        private TissueMask mask;
        private double minTissue;

        private Builder(Slide slide) {
            this.slide = slide;
        }

        /** Resolution of the patches in µm per pixel (required), e.g. 0.5 for "20x". */
        public Builder setMpp(double mpp) {
            if (!(mpp > 0) || Double.isInfinite(mpp)) throw new UserException("patch resolution must be a positive number of µm per pixel, not " + mpp);
            this.mpp = mpp;
            return this;
        }

        /** Side of a patch in pixels (required). */
        public Builder setPatchSize(int patchSize) {
            if (patchSize <= 0) throw new UserException("patch size must be a positive number of pixels, not " + patchSize);
            this.patchSize = patchSize;
            return this;
        }

        /** Step between patches in patch pixels; the patch size (no overlap) by default. */
        public Builder optStride(int stride) {
            if (stride <= 0) throw new UserException("patch stride must be a positive number of pixels, not " + stride);
            this.stride = stride;
            return this;
        }

        /** Keep only patches whose tissue fraction in {@code mask} is at least {@code minFraction} (0 to 1). */
        public Builder optTissue(TissueMask mask, double minFraction) {
            if (!(minFraction >= 0 && minFraction <= 1)) throw new UserException("minimum tissue fraction must be from 0 to 1, not " + minFraction);
            this.mask = mask;
            this.minTissue = minFraction;
            return this;
        }

        public PatchGrid build() {
            if (mpp == 0 || patchSize == 0) throw new IllegalStateException("PatchGrid needs setMpp and setPatchSize");
            return new PatchGrid(this);
        }
    }
}
