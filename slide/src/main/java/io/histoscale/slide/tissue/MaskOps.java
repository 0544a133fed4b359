package io.histoscale.slide.tissue;

/** Thresholding and clean-up of a binary mask (row-major {@code boolean[]}, true = tissue). */
final class MaskOps {
    private MaskOps() {
    }

    /** Otsu's threshold of a 256-bin histogram: the bin that best splits it into two classes (a value is above it or not). */
    static int otsu(long[] histogram) {
        long total = 0;
        double sumAll = 0;
        for (int i = 0; i < histogram.length; i++) {
            total += histogram[i];
            sumAll += (double) i * histogram[i];
        }
        long below = 0;
        double sumBelow = 0, best = -1;
        int threshold = 0;
        for (int t = 0; t < histogram.length; t++) {
            below += histogram[t];
            sumBelow += (double) t * histogram[t];
            long above = total - below;
            if (below == 0 || above == 0) continue;
            double meanBelow = sumBelow / below, meanAbove = (sumAll - sumBelow) / above;
            double between = (double) below * above * (meanBelow - meanAbove) * (meanBelow - meanAbove);
            if (between > best) {
                best = between;
                threshold = t;
            }
        }
        return threshold;
    }

    /**
     * Morphological closing with a (2r+1)² square: dilation then erosion. The erosion treats outside the image as
     * tissue, so that tissue touching the border is not eaten.
     */
    static void close(boolean[] mask, int w, int h, int r) {
        if (r <= 0) return;
        boolean[] t = sweep(mask, w, h, r, true, false);
        t = sweep(t, w, h, r, true, true);
        t = sweep(t, w, h, r, false, false);
        t = sweep(t, w, h, r, false, true);
        System.arraycopy(t, 0, mask, 0, mask.length);
    }

    /** One 1-D pass of a dilation (any tissue within r) or erosion (all tissue within r) along rows or columns. */
    private static boolean[] sweep(boolean[] in, int w, int h, int r, boolean dilate, boolean alongColumns) {
        boolean[] out = new boolean[in.length];
        int lines = alongColumns ? w : h, length = alongColumns ? h : w;
        int step = alongColumns ? w : 1, lineStep = alongColumns ? 1 : w;
        int[] prefix = new int[length + 1];
        for (int line = 0; line < lines; line++) {
            int base = line * lineStep;
            for (int i = 0; i < length; i++) prefix[i + 1] = prefix[i] + (in[base + i * step] ? 1 : 0);
            for (int i = 0; i < length; i++) {
                int lo = Math.max(0, i - r), hi = Math.min(length, i + r + 1);
                int count = prefix[hi] - prefix[lo];
                out[base + i * step] = dilate ? count > 0 : count == hi - lo;
            }
        }
        return out;
    }

    /** Fills background regions enclosed by tissue (4-connected, not touching the border) smaller than maxArea px. */
    static void fillHoles(boolean[] mask, int w, int h, long maxArea) {
        forEachComponent(mask, w, h, false, false, (pixels, n, touchesBorder) -> {
            if (!touchesBorder && n < maxArea) {
                for (int i = 0; i < n; i++) mask[pixels[i]] = true;
            }
        });
    }

    /** Removes tissue pieces (8-connected) smaller than minArea px. */
    static void removeSmall(boolean[] mask, int w, int h, long minArea) {
        forEachComponent(mask, w, h, true, true, (pixels, n, touchesBorder) -> {
            if (n < minArea) {
                for (int i = 0; i < n; i++) mask[pixels[i]] = false;
            }
        });
    }

    interface ComponentVisitor {
        /** {@code pixels[0..n)} are the indices of one component; the array is reused afterwards. */
        void visit(int[] pixels, int n, boolean touchesBorder);
    }

    /** Visits each connected component of pixels equal to {@code value}; the visitor may change those pixels. */
    static void forEachComponent(boolean[] mask, int w, int h, boolean value, boolean eightConnected, ComponentVisitor visitor) {
        boolean[] seen = new boolean[mask.length];
        int[] queue = new int[mask.length];
        for (int start = 0; start < mask.length; start++) {
            if (seen[start] || mask[start] != value) continue;
            int head = 0, tail = 0;
            boolean border = false;
            queue[tail++] = start;
            seen[start] = true;
            while (head < tail) {
                int p = queue[head++], x = p % w, y = p / w;
                if (x == 0 || y == 0 || x == w - 1 || y == h - 1) border = true;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        if ((dx == 0 && dy == 0) || (!eightConnected && dx != 0 && dy != 0)) continue;
                        int nx = x + dx, ny = y + dy, q = ny * w + nx;
                        if (nx < 0 || ny < 0 || nx >= w || ny >= h || seen[q] || mask[q] != value) continue;
                        seen[q] = true;
                        queue[tail++] = q;
                    }
                }
            }
            visitor.visit(queue, tail, border);
        }
    }
}
