package io.histoscale.train.augment;

import io.histoscale.core.UserException;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Turns a patch as stored (HWC uint8 RGB) into a network input (HWC uint8, {@code size × size}): optional
 * down-sampling by an integer factor (box filter), a crop of the input size (random or central), a random flip and
 * rotation, optional Macenko stain normalisation (stains estimated on the whole patch), and random HED and colour
 * jitter. Without a random source the result is the evaluation input: central crop, normalisation only.
 *
 * <p>Stateless and safe to use from several threads.
 */
public final class PatchTransform {

    private final int sourceWidth;
    private final int sourceHeight;
    private final int downsample;
    private final int size;
    private final Augmentation augmentation;
    private final Macenko stainNormaliser;

    /**
     * @param sourceWidth     width of the stored patches
     * @param sourceHeight    height of the stored patches
     * @param downsample      factor the patches are shrunk by first (1 for none)
     * @param size            side of the network input, at most the shrunk patch's shorter side
     * @param augmentation    random changes for training
     * @param stainNormaliser Macenko normaliser, or null for none
     * @throws UserException when the sizes do not fit
     */
    public PatchTransform(int sourceWidth, int sourceHeight, int downsample, int size, Augmentation augmentation,
                          Macenko stainNormaliser) {
        if (downsample < 1 || sourceWidth / downsample < 1 || sourceHeight / downsample < 1) {
            throw UserException.forKey("downsample", downsample + ": give 1 (none) up to the patch side ("
                    + Math.min(sourceWidth, sourceHeight) + ")");
        }
        int available = Math.min(sourceWidth, sourceHeight) / downsample;
        if (size < 1 || size > available) {
            throw UserException.forKey("input_size", size + ": the " + sourceWidth + "x" + sourceHeight + " patches"
                    + (downsample > 1 ? " shrunk " + downsample + " times" : "") + " give inputs of at most "
                    + available + " pixels");
        }
        this.sourceWidth = sourceWidth;
        this.sourceHeight = sourceHeight;
        this.downsample = downsample;
        this.size = size;
        this.augmentation = augmentation;
        this.stainNormaliser = stainNormaliser;
    }

    /** Side of the network input. */
    public int size() {
        return size;
    }

    /** Bytes of one transformed patch: 3 × size × size. */
    public int outputBytes() {
        return 3 * size * size;
    }

    /** The stored patch shrunk by the down-sampling factor, as HWC floats: what stain references are fitted on. */
    public float[] shrink(byte[] hwc) {
        int w = sourceWidth / downsample;
        int h = sourceHeight / downsample;
        float[] out = new float[w * h * 3];
        float norm = 1f / (downsample * downsample);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    int sum = 0;
                    for (int dy = 0; dy < downsample; dy++) {
                        int row = (y * downsample + dy) * sourceWidth;
                        for (int dx = 0; dx < downsample; dx++) {
                            sum += hwc[3 * (row + x * downsample + dx) + c] & 0xff;
                        }
                    }
                    out[3 * (y * w + x) + c] = sum * norm;
                }
            }
        }
        return out;
    }

    /**
     * Writes the transformed patch at {@code dst}'s position (HWC uint8) and advances it by {@link #outputBytes()}.
     *
     * @param hwc    the stored patch's pixels
     * @param random source of the training augmentation, or null for the evaluation input
     */
    public void apply(byte[] hwc, ByteBuffer dst, SplittableRandom random) {
        float[] full = shrink(hwc);
        int w = sourceWidth / downsample;
        int h = sourceHeight / downsample;
        boolean train = random != null;
        int left = train && augmentation.crops() ? random.nextInt(w - size + 1) : (w - size) / 2;
        int top = train && augmentation.crops() ? random.nextInt(h - size + 1) : (h - size) / 2;
        int quarterTurns = train && augmentation.rotations() ? random.nextInt(4) : 0;
        boolean mirror = train && augmentation.flips() && random.nextBoolean();
        float[] input = new float[size * size * 3];
        int last = size - 1;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int u = mirror ? last - x : x;
                int v = y;
                for (int t = 0; t < quarterTurns; t++) {
                    int turned = last - v;
                    v = u;
                    u = turned;
                }
                System.arraycopy(full, 3 * ((top + v) * w + left + u), input, 3 * (y * size + x), 3);
            }
        }
        if (stainNormaliser != null) {
            Macenko.estimate(full).ifPresent(stains -> stainNormaliser.normalise(input, stains));
        }
        if (train && augmentation.hedJitter() > 0) {
            HedJitter.random(input, augmentation.hedJitter(), random);
        }
        if (train && augmentation.colourJitter() > 0) {
            ColourJitter.random(input, augmentation.colourJitter(), random);
        }
        byte[] out = new byte[input.length];
        for (int i = 0; i < input.length; i++) {
            out[i] = (byte) Math.round(Math.max(0, Math.min(255, input[i])));
        }
        dst.put(out);
    }
}
