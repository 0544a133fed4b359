package io.histoscale.synth;

import java.util.SplittableRandom;

/**
 * Colours from stain amounts by Beer-Lambert: optical density = glass + haematoxylin x its vector + eosin x its vector.
 * Each slide draws its own stain vectors, strengths and glass brightness, as labs and scanners differ. A 256 x 256
 * table keeps the per-pixel cost to one lookup.
 */
final class Stain {
    /** Table steps per unit of haematoxylin and of eosin. */
    static final float H_STEPS = 96, E_STEPS = 128;

    private final int[] rgbTable = new int[256 * 256];

    Stain(SplittableRandom random) {
        double[] haematoxylin = jitter(random, 0.69, 0.92, 0.36, 0.12);
        double[] eosin = jitter(random, 0.15, 0.60, 0.29, 0.15);
        double hStrength = 0.85 + 0.3 * random.nextDouble(), eStrength = 0.75 + 0.5 * random.nextDouble();
        double glass = -Math.log((238 + 10 * random.nextDouble()) / 255);
        for (int h = 0; h < 256; h++) {
            for (int e = 0; e < 256; e++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    double od = glass + hStrength * haematoxylin[c] * h / H_STEPS + eStrength * eosin[c] * e / E_STEPS;
                    rgb = rgb << 8 | (int) Math.round(255 * Math.exp(-od));
                }
                rgbTable[h << 8 | e] = rgb;
            }
        }
    }

    /** Packed 0xRRGGBB for stain amounts (haematoxylin, eosin) given in units of the stains' vectors. */
    int rgb(float haematoxylin, float eosin) {
        int h = Math.min(255, Math.max(0, (int) (haematoxylin * H_STEPS)));
        int e = Math.min(255, Math.max(0, (int) (eosin * E_STEPS)));
        return rgbTable[h << 8 | e];
    }

    private static double[] jitter(SplittableRandom random, double r, double g, double b, double amount) {
        return new double[]{
                r * (1 + amount * (2 * random.nextDouble() - 1)),
                g * (1 + amount * (2 * random.nextDouble() - 1)),
                b * (1 + amount * (2 * random.nextDouble() - 1))};
    }
}
