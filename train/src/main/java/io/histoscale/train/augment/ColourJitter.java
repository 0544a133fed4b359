package io.histoscale.train.augment;

import java.util.SplittableRandom;

/** Brightness, contrast and saturation changes by random factors near 1, as torchvision's {@code ColorJitter}. */
public final class ColourJitter {

    private ColourJitter() {
    }

    /**
     * Scales pixels (HWC RGB floats in [0, 255]) in place: brightness by {@code brightness}, contrast around the
     * image's mean grey by {@code contrast}, saturation around each pixel's grey by {@code saturation}.
     */
    public static void apply(float[] rgb, double brightness, double contrast, double saturation) {
        double meanGrey = 0;
        for (int p = 0; p < rgb.length; p += 3) {
            meanGrey += grey(rgb, p) * brightness;
        }
        meanGrey /= rgb.length / 3.0;
        for (int p = 0; p < rgb.length; p += 3) {
            double g = grey(rgb, p) * brightness;
            for (int i = 0; i < 3; i++) {
                double v = rgb[p + i] * brightness;
                v = g + saturation * (v - g);
                v = meanGrey + contrast * (v - meanGrey);
                rgb[p + i] = (float) Math.max(0, Math.min(255, v));
            }
        }
    }

    /** {@link #apply} with each factor drawn from [1 - strength, 1 + strength]. */
    public static void random(float[] rgb, double strength, SplittableRandom random) {
        apply(rgb, factor(strength, random), factor(strength, random), factor(strength, random));
    }

    private static double factor(double strength, SplittableRandom random) {
        return 1 + strength * (2 * random.nextDouble() - 1);
    }

    /** ITU-R BT.601 luma, as PIL and torchvision use. */
    private static double grey(float[] rgb, int p) {
        return 0.299 * rgb[p] + 0.587 * rgb[p + 1] + 0.114 * rgb[p + 2];
    }
}
