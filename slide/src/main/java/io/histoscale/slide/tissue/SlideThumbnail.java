package io.histoscale.slide.tissue;

import io.histoscale.slide.Slide;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Arrays;

/** A whole slide shrunk by any factor, each output pixel the mean of the pixels it covers. */
public final class SlideThumbnail {
    /** Most level pixels read at once (16 MB of RGB). */
    private static final int READ_PIXELS = 4096 * 1024;

    private SlideThumbnail() {
    }

    /** Width or height of the thumbnail of a level-0 extent. */
    static int size(long level0, double downsample) {
        return (int) Math.max(1, Math.ceil(level0 / downsample));
    }

    /**
     * The slide at {@code downsample} level-0 pixels per pixel, read from the coarsest level that is at least that
     * fine, in bands so that a slide with a single huge level does not need its whole image in memory.
     */
    public static BufferedImage read(Slide slide, double downsample) {
        int outW = size(slide.width(0), downsample), outH = size(slide.height(0), downsample);
        int level = slide.bestLevelForDownsample(downsample);
        double levelDownsample = slide.downsample(level);
        double f = downsample / levelDownsample; // level pixels per output pixel
        int levelW = (int) slide.width(level), levelH = (int) slide.height(level);

        int[] column = new int[levelW];
        for (int x = 0; x < levelW; x++) column[x] = Math.min(outW - 1, (int) (x / f));
        int chunkW = Math.min(levelW, 4096);
        int bandRows = Math.max(1, (int) (READ_PIXELS / chunkW / f)); // output rows per band

        int[] out = new int[outW * outH];
        long[] sums = new long[4 * outW * bandRows];
        for (int oy0 = 0; oy0 < outH; oy0 += bandRows) {
            int oy1 = Math.min(outH, oy0 + bandRows);
            int ly0 = firstLevelPixel(oy0, f), ly1 = oy1 == outH ? levelH : Math.min(levelH, firstLevelPixel(oy1, f));
            Arrays.fill(sums, 0);
            for (int lx0 = 0; lx0 < levelW && ly1 > ly0; lx0 += chunkW) {
                int w = Math.min(chunkW, levelW - lx0), h = ly1 - ly0;
                int[] px = pixels(slide.readRegion(level, Math.round(lx0 * levelDownsample), Math.round(ly0 * levelDownsample), w, h));
                for (int y = 0; y < h; y++) {
                    int band = Math.max(oy0, Math.min(oy1 - 1, (int) ((ly0 + y) / f))) - oy0;
                    for (int x = 0; x < w; x++) {
                        int p = px[y * w + x], s = 4 * (band * outW + column[lx0 + x]);
                        sums[s] += (p >> 16) & 0xff;
                        sums[s + 1] += (p >> 8) & 0xff;
                        sums[s + 2] += p & 0xff;
                        sums[s + 3]++;
                    }
                }
            }
            for (int i = 0; i < (oy1 - oy0) * outW; i++) {
                long n = sums[4 * i + 3];
                // Output pixels past the level's last pixel (rounding of level sizes) are background.
                out[oy0 * outW + i] = n == 0 ? 0xffffff
                        : (int) ((sums[4 * i] + n / 2) / n) << 16 | (int) ((sums[4 * i + 1] + n / 2) / n) << 8 | (int) ((sums[4 * i + 2] + n / 2) / n);
            }
        }
        BufferedImage image = new BufferedImage(outW, outH, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, outW, outH, out, 0, outW);
        return image;
    }

    /** The first level row (or column) that falls into output row {@code o}. */
    private static int firstLevelPixel(int o, double f) {
        return (int) Math.ceil(o * f - 1e-9);
    }

    static int[] pixels(BufferedImage img) {
        var raster = img.getRaster();
        if (img.getType() == BufferedImage.TYPE_INT_RGB && raster.getDataBuffer() instanceof DataBufferInt buffer
                && buffer.getData().length == img.getWidth() * img.getHeight()
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0) {
            return buffer.getData(); // the image's own pixels, not a window into a bigger one
        }
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }
}
