package io.histoscale.slide.tissue;

import io.histoscale.slide.Slide;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * Where the tissue is on a slide, as a low-resolution binary mask, with O(1) tissue fractions of level-0 rectangles.
 *
 * <p>Detection thresholds the HSV saturation of a thumbnail: stained tissue is coloured, while glass, blank areas,
 * shadows and black scanner borders are grey whatever their brightness. (Optical density would count dark grey dirt
 * and black borders as tissue.) The threshold is Otsu's on the slide's saturations, but never below a floor, so a
 * blank slide finds nothing. Small holes are then filled and small pieces dropped. Coloured pen marks are tissue to
 * this method.
 */
public final class TissueMask {
    private final int width;
    private final int height;
    private final double downsample;
    private final double mpp;
    private final double saturationThreshold;
    private final boolean[] tissue;
    /** Summed-area table, (width+1) x (height+1): tissue pixels above and left of each grid point. */
    private final int[] integral;

    private TissueMask(int width, int height, double downsample, double mpp, double saturationThreshold, boolean[] tissue) {
        this.width = width;
        this.height = height;
        this.downsample = downsample;
        this.mpp = mpp;
        this.saturationThreshold = saturationThreshold;
        this.tissue = tissue;
        this.integral = new int[(width + 1) * (height + 1)];
        for (int y = 0; y < height; y++) {
            int row = 0;
            for (int x = 0; x < width; x++) {
                row += tissue[y * width + x] ? 1 : 0;
                integral[(y + 1) * (width + 1) + x + 1] = integral[y * (width + 1) + x + 1] + row;
            }
        }
    }

    /**
     * Finds the tissue of a slide on a thumbnail of about {@link TissueOptions#maskMpp()} µm per pixel (coarser if
     * the slide would give more than {@link TissueOptions#maxSide()} pixels a side).
     *
     * @throws io.histoscale.core.UserException with key {@code assume_mpp} when the slide records no resolution
     *                                          (wrap it with {@link io.histoscale.slide.Slides#withAssumedMpp})
     */
    public static TissueMask detect(Slide slide, TissueOptions opts) {
        double slideMpp = SlideMpp.of(slide);
        long longSide = Math.max(slide.width(0), slide.height(0));
        double downsample = Math.max(1, Math.max(opts.maskMpp() / slideMpp, (double) longSide / opts.maxSide()));
        BufferedImage thumbnail = SlideThumbnail.read(slide, downsample);
        int w = thumbnail.getWidth(), h = thumbnail.getHeight();
        int[] rgb = SlideThumbnail.pixels(thumbnail);

        byte[] saturation = new byte[rgb.length];
        long[] histogram = new long[256];
        for (int i = 0; i < rgb.length; i++) {
            int r = (rgb[i] >> 16) & 0xff, g = (rgb[i] >> 8) & 0xff, b = rgb[i] & 0xff;
            int max = Math.max(r, Math.max(g, b)), min = Math.min(r, Math.min(g, b));
            int s = max == 0 ? 0 : (255 * (max - min) + max / 2) / max;
            saturation[i] = (byte) s;
            histogram[s]++;
        }
        int threshold = Math.max(MaskOps.otsu(histogram), (int) Math.ceil(opts.minSaturation() * 255));
        boolean[] mask = new boolean[rgb.length];
        for (int i = 0; i < mask.length; i++) mask[i] = (saturation[i] & 0xff) > threshold;

        double maskMpp = slideMpp * downsample, pixelArea = maskMpp * maskMpp;
        MaskOps.close(mask, w, h, (int) Math.round(opts.closingUm() / maskMpp));
        MaskOps.fillHoles(mask, w, h, (long) Math.ceil(opts.maxHoleAreaUm2() / pixelArea));
        MaskOps.removeSmall(mask, w, h, (long) Math.ceil(opts.minTissueAreaUm2() / pixelArea));
        return new TissueMask(w, h, downsample, maskMpp, threshold / 255.0, mask);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Level-0 pixels per mask pixel. */
    public double downsample() {
        return downsample;
    }

    /** Micrometres per mask pixel. */
    public double mpp() {
        return mpp;
    }

    /** The saturation (0-1) above which a pixel counted as tissue: Otsu's, or the floor when that was higher. */
    public double saturationThreshold() {
        return saturationThreshold;
    }

    public boolean isTissue(int x, int y) {
        return tissue[y * width + x];
    }

    /** Share of the slide that is tissue. */
    public double tissueFraction() {
        return (double) integral[integral.length - 1] / (width * height);
    }

    /** Tissue area in mm². */
    public double tissueAreaMm2() {
        return integral[integral.length - 1] * mpp * mpp / 1e6;
    }

    /**
     * Share of a level-0 rectangle that is tissue, 0 to 1, in constant time; parts of mask pixels count by the area
     * they share with the rectangle, and outside the slide is not tissue.
     */
    public double fraction(double x0, double y0, double w0, double h0) {
        if (!(w0 > 0 && h0 > 0)) throw new IllegalArgumentException("rectangle size must be positive: " + w0 + " x " + h0);
        double x1 = (x0 + w0) / downsample, y1 = (y0 + h0) / downsample, x = x0 / downsample, y = y0 / downsample;
        double inside = cumulative(x1, y1) - cumulative(x, y1) - cumulative(x1, y) + cumulative(x, y);
        return Math.max(0, Math.min(1, inside / ((x1 - x) * (y1 - y))));
    }

    /**
     * Tissue area in [0, x) x [0, y) (mask pixels, fractional coordinates). The summed-area table interpolated
     * bilinearly is exact here, because the mask is constant inside each pixel.
     */
    private double cumulative(double x, double y) {
        x = Math.max(0, Math.min(width, x));
        y = Math.max(0, Math.min(height, y));
        int i = Math.min((int) x, width - 1), j = Math.min((int) y, height - 1);
        double fx = x - i, fy = y - j;
        int stride = width + 1, p = j * stride + i;
        return integral[p] * (1 - fx) * (1 - fy) + integral[p + 1] * fx * (1 - fy)
                + integral[p + stride] * (1 - fx) * fy + integral[p + stride + 1] * fx * fy;
    }

    /** The mask as a grey image, tissue white, for people to look at. */
    public BufferedImage toImage() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < tissue.length; i++) pixels[i] = (byte) (tissue[i] ? 255 : 0);
        return image;
    }
}
