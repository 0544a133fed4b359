package io.histoscale.dataset.tile;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/** Turns a region read from a slide into a patch's interleaved RGB bytes at the target size. */
final class PatchPixels {
    private PatchPixels() {
    }

    /**
     * Packs an RGB image into {@code size}×{@code size}×3 bytes (HWC), shrinking it first when it was read at a finer
     * level. Integer factors use a box filter (exact area averaging, what a coarser pyramid level would hold); other
     * factors use bilinear sampling at pixel centres.
     */
    static byte[] toRgb(BufferedImage region, int size) {
        int w = region.getWidth(), h = region.getHeight();
        if (w != h) throw new IllegalArgumentException("patch regions are square, not " + w + "x" + h);
        int[] argb = pixels(region);
        byte[] out = new byte[size * size * 3];
        if (w == size && h == size) {
            for (int i = 0, o = 0; i < argb.length; i++) {
                int p = argb[i];
                out[o++] = (byte) (p >> 16);
                out[o++] = (byte) (p >> 8);
                out[o++] = (byte) p;
            }
        } else if (w % size == 0) {
            box(argb, w, w / size, size, out);
        } else {
            bilinear(argb, w, h, size, out);
        }
        return out;
    }

    private static int[] pixels(BufferedImage img) {
        if (img.getType() == BufferedImage.TYPE_INT_RGB || img.getType() == BufferedImage.TYPE_INT_ARGB) {
            return ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        }
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    private static void box(int[] argb, int w, int k, int size, byte[] out) {
        int n = k * k, half = n / 2;
        for (int y = 0, o = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int r = 0, g = 0, b = 0;
                for (int dy = 0; dy < k; dy++) {
                    int row = (y * k + dy) * w + x * k;
                    for (int dx = 0; dx < k; dx++) {
                        int p = argb[row + dx];
                        r += (p >> 16) & 0xff;
                        g += (p >> 8) & 0xff;
                        b += p & 0xff;
                    }
                }
                out[o++] = (byte) ((r + half) / n);
                out[o++] = (byte) ((g + half) / n);
                out[o++] = (byte) ((b + half) / n);
            }
        }
    }

    private static void bilinear(int[] argb, int w, int h, int size, byte[] out) {
        double sx = (double) w / size, sy = (double) h / size;
        for (int y = 0, o = 0; y < size; y++) {
            double fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
            int y0 = (int) fy, y1 = Math.min(y0 + 1, h - 1);
            double ty = fy - y0;
            for (int x = 0; x < size; x++) {
                double fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
                int x0 = (int) fx, x1 = Math.min(x0 + 1, w - 1);
                double tx = fx - x0;
                int p00 = argb[y0 * w + x0], p01 = argb[y0 * w + x1], p10 = argb[y1 * w + x0], p11 = argb[y1 * w + x1];
                for (int shift = 16; shift >= 0; shift -= 8) {
                    double top = ((p00 >> shift) & 0xff) * (1 - tx) + ((p01 >> shift) & 0xff) * tx;
                    double bottom = ((p10 >> shift) & 0xff) * (1 - tx) + ((p11 >> shift) & 0xff) * tx;
                    out[o++] = (byte) Math.round(top * (1 - ty) + bottom * ty);
                }
            }
        }
    }
}
