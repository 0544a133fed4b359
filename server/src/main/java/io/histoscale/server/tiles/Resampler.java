package io.histoscale.server.tiles;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.util.Arrays;

/**
 * Resizes RGB images by area averaging: each output pixel is the mean of the source pixels it covers, weighted by how
 * much of each it covers. Separable (rows, then columns), so the cost is proportional to the source pixels whatever
 * the factor; no ringing, no aliasing when shrinking, a box filter when (slightly) enlarging.
 */
final class Resampler {

    private Resampler() {
    }

    /** One axis: for output pixel i, {@code count[i]} source pixels from {@code start[i]}, weights from {@code offset[i]}. */
    private record Axis(int[] start, int[] count, int[] offset, float[] weights) {
    }

    /**
     * {@code source} resized to {@code width}×{@code height}, as {@link BufferedImage#TYPE_3BYTE_BGR} (what the JPEG
     * encoder takes without converting).
     */
    static BufferedImage resize(BufferedImage source, int width, int height) {
        int sw = source.getWidth(), sh = source.getHeight();
        int[] in = rgb(source);
        if (sw == 2 * width && sh == 2 * height) return halve(in, sw, width, height);
        Axis ax = axis(sw, width), ay = axis(sh, height);

        // Rows first: sh rows of `width` pixels, three floats each.
        float[] rows = new float[sh * width * 3];
        int[] xStart = ax.start, xCount = ax.count, xOffset = ax.offset;
        float[] xWeights = ax.weights;
        for (int y = 0; y < sh; y++) {
            int line = y * sw, target = y * width * 3;
            for (int x = 0; x < width; x++) {
                float r = 0, g = 0, b = 0;
                int s = line + xStart[x], o = xOffset[x];
                for (int k = 0, n = xCount[x]; k < n; k++) {
                    int p = in[s + k];
                    float w = xWeights[o + k];
                    r += w * (p >> 16 & 0xFF);
                    g += w * (p >> 8 & 0xFF);
                    b += w * (p & 0xFF);
                }
                rows[target++] = r;
                rows[target++] = g;
                rows[target++] = b;
            }
        }

        // Then columns, a whole output row at a time so the inner loop runs along memory.
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        float[] acc = new float[width * 3];
        for (int y = 0; y < height; y++) {
            Arrays.fill(acc, 0);
            int o = ay.offset[y];
            for (int k = 0, n = ay.count[y]; k < n; k++) {
                float w = ay.weights[o + k];
                int from = (ay.start[y] + k) * width * 3;
                for (int i = 0; i < acc.length; i++) {
                    acc[i] += w * rows[from + i];
                }
            }
            int target = y * width * 3;
            for (int i = 0; i < acc.length; i += 3) {
                bgr[target + i] = clamp(acc[i + 2]);
                bgr[target + i + 1] = clamp(acc[i + 1]);
                bgr[target + i + 2] = clamp(acc[i]);
            }
        }
        return out;
    }

    /**
     * Exactly half the size: the mean of each 2×2 block, in integers (what the general path gives, several times
     * faster; the usual case, as pyramids shrink by powers of two and Deep Zoom levels by two).
     */
    private static BufferedImage halve(int[] in, int sw, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        for (int y = 0, t = 0; y < height; y++) {
            int a = 2 * y * sw, b = a + sw;
            for (int x = 0; x < width; x++, a += 2, b += 2, t += 3) {
                int p = in[a], q = in[a + 1], r = in[b], s = in[b + 1];
                bgr[t] = (byte) (((p & 0xFF) + (q & 0xFF) + (r & 0xFF) + (s & 0xFF) + 2) >> 2);
                bgr[t + 1] = (byte) (((p >> 8 & 0xFF) + (q >> 8 & 0xFF) + (r >> 8 & 0xFF) + (s >> 8 & 0xFF) + 2) >> 2);
                bgr[t + 2] = (byte) (((p >> 16 & 0xFF) + (q >> 16 & 0xFF) + (r >> 16 & 0xFF) + (s >> 16 & 0xFF) + 2) >> 2);
            }
        }
        return out;
    }

    /** {@code source} as {@link BufferedImage#TYPE_3BYTE_BGR}, pixel for pixel. */
    static BufferedImage toBgr(BufferedImage source) {
        if (source.getType() == BufferedImage.TYPE_3BYTE_BGR) return source;
        int w = source.getWidth(), h = source.getHeight();
        int[] in = rgb(source);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        for (int i = 0, j = 0; i < in.length; i++, j += 3) {
            int p = in[i];
            bgr[j] = (byte) p;
            bgr[j + 1] = (byte) (p >> 8);
            bgr[j + 2] = (byte) (p >> 16);
        }
        return out;
    }

    /** Packed RGB pixels, row after row with no padding: the image's own array when it is plain TYPE_INT_RGB. */
    private static int[] rgb(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        if (image.getType() == BufferedImage.TYPE_INT_RGB && image.getRaster().getDataBuffer() instanceof DataBufferInt data
                && image.getRaster().getSampleModelTranslateX() == 0 && image.getRaster().getSampleModelTranslateY() == 0
                && data.getOffset() == 0 && data.getData().length == w * h) {
            return data.getData();
        }
        return image.getRGB(0, 0, w, h, null, 0, w);
    }

    private static Axis axis(int source, int target) {
        double scale = (double) source / target;
        int[] start = new int[target], count = new int[target], offset = new int[target];
        float[] weights = new float[source + 2 * target];
        int used = 0;
        for (int i = 0; i < target; i++) {
            double a = i * scale, b = Math.min(source, (i + 1) * scale);
            int first = Math.min(source - 1, (int) Math.floor(a));
            int end = Math.max(first + 1, Math.min(source, (int) Math.ceil(b)));
            start[i] = first;
            count[i] = end - first;
            offset[i] = used;
            if (used + count[i] > weights.length) weights = Arrays.copyOf(weights, 2 * weights.length + count[i]);
            double total = 0;
            for (int j = first; j < end; j++) {
                double cover = Math.max(0, Math.min(b, j + 1) - Math.max(a, j));
                weights[used + j - first] = (float) cover;
                total += cover;
            }
            for (int j = 0; j < count[i]; j++) {
                weights[used + j] = total > 0 ? (float) (weights[used + j] / total) : 1f / count[i];
            }
            used += count[i];
        }
        return new Axis(start, count, offset, weights);
    }

    private static byte clamp(float v) {
        int i = (int) (v + 0.5f);
        return (byte) (i < 0 ? 0 : Math.min(i, 255));
    }
}
