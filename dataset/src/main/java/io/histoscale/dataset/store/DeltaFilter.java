package io.histoscale.dataset.store;

/**
 * A reversible filter that makes H&amp;E pixels compress: each byte becomes its difference from the same channel of
 * the pixel to its left, and with three channels the green difference is also taken off red and blue (neighbouring
 * tissue changes brightness in all channels together). On real Camelyon16 patches zstd alone keeps ~94 % of the
 * bytes, after this filter ~61-64 %; undoing it costs far less than decompression.
 */
final class DeltaFilter {
    private DeltaFilter() {
    }

    /** Filters HWC pixels in place. */
    static void apply(byte[] pixels, int width, int channels) {
        int row = width * channels;
        if (channels == 3) {
            for (int start = 0; start < pixels.length; start += row) {
                int r0 = 0, g0 = 0, b0 = 0;
                for (int p = start; p < start + row; p += 3) {
                    int r = pixels[p], g = pixels[p + 1], b = pixels[p + 2];
                    int dg = g - g0;
                    pixels[p] = (byte) (r - r0 - dg);
                    pixels[p + 1] = (byte) dg;
                    pixels[p + 2] = (byte) (b - b0 - dg);
                    r0 = r;
                    g0 = g;
                    b0 = b;
                }
            }
        } else {
            for (int start = 0; start < pixels.length; start += row) {
                for (int p = start + row - 1; p >= start + channels; p--) pixels[p] -= pixels[p - channels];
            }
        }
    }

    /** Undoes {@link #apply} in place on {@code length} bytes of {@code pixels} from {@code offset}. */
    static void undo(byte[] pixels, int offset, int length, int width, int channels) {
        int row = width * channels;
        if (channels == 3) {
            for (int start = offset; start < offset + length; start += row) {
                int r = 0, g = 0, b = 0;
                for (int p = start; p < start + row; p += 3) {
                    int dg = pixels[p + 1];
                    g += dg;
                    r += pixels[p] + dg;
                    b += pixels[p + 2] + dg;
                    pixels[p] = (byte) r;
                    pixels[p + 1] = (byte) g;
                    pixels[p + 2] = (byte) b;
                }
            }
        } else {
            for (int start = offset; start < offset + length; start += row) {
                for (int p = start + channels; p < start + row; p++) pixels[p] += pixels[p - channels];
            }
        }
    }
}
