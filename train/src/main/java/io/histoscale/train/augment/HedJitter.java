package io.histoscale.train.augment;

import java.util.SplittableRandom;

/**
 * Stain augmentation in HED space (Tellez et al., 2018): colour deconvolution with Ruifrok and Johnston's stain
 * vectors (haematoxylin, eosin, DAB) splits each pixel's optical density into three stain concentrations; each is
 * scaled by a factor near 1 and shifted by an amount near 0, then the pixel is re-coloured with the same vectors.
 */
public final class HedJitter {

    /** Ruifrok and Johnston's OD vectors (rows: haematoxylin, eosin, DAB), each of unit length. */
    static final double[][] RGB_FROM_HED = unitRows(new double[][] {
            {0.65, 0.70, 0.29},
            {0.07, 0.99, 0.11},
            {0.27, 0.57, 0.78}});
    static final double[][] HED_FROM_RGB = inverse(RGB_FROM_HED);

    private HedJitter() {
    }

    /**
     * Re-colours pixels (HWC RGB floats in [0, 255]) in place with concentration {@code c' = alpha * c + beta} per
     * stain.
     */
    public static void apply(float[] rgb, double[] alpha, double[] beta) {
        double[] od = new double[3];
        double[] hed = new double[3];
        for (int p = 0; p < rgb.length; p += 3) {
            for (int i = 0; i < 3; i++) {
                od[i] = -Math.log((Math.max(0, rgb[p + i]) + 1) / 256.0);
            }
            for (int s = 0; s < 3; s++) {
                hed[s] = alpha[s] * (od[0] * HED_FROM_RGB[0][s] + od[1] * HED_FROM_RGB[1][s]
                        + od[2] * HED_FROM_RGB[2][s]) + beta[s];
            }
            for (int i = 0; i < 3; i++) {
                double density = hed[0] * RGB_FROM_HED[0][i] + hed[1] * RGB_FROM_HED[1][i]
                        + hed[2] * RGB_FROM_HED[2][i];
                rgb[p + i] = Macenko.toIntensity(density);
            }
        }
    }

    /** {@link #apply} with each stain's factor drawn from [1 - strength, 1 + strength], shift from ±strength. */
    public static void random(float[] rgb, double strength, SplittableRandom random) {
        double[] alpha = new double[3];
        double[] beta = new double[3];
        for (int s = 0; s < 3; s++) {
            alpha[s] = 1 + strength * (2 * random.nextDouble() - 1);
            beta[s] = strength * (2 * random.nextDouble() - 1);
        }
        apply(rgb, alpha, beta);
    }

    private static double[][] unitRows(double[][] m) {
        double[][] unit = new double[3][3];
        for (int r = 0; r < 3; r++) {
            double norm = Math.sqrt(m[r][0] * m[r][0] + m[r][1] * m[r][1] + m[r][2] * m[r][2]);
            for (int c = 0; c < 3; c++) {
                unit[r][c] = m[r][c] / norm;
            }
        }
        return unit;
    }

    /** The inverse of a 3x3 matrix by cofactors. */
    static double[][] inverse(double[][] m) {
        double[][] inv = new double[3][3];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                int r1 = (c + 1) % 3;
                int r2 = (c + 2) % 3;
                int c1 = (r + 1) % 3;
                int c2 = (r + 2) % 3;
                inv[r][c] = m[r1][c1] * m[r2][c2] - m[r1][c2] * m[r2][c1];
            }
        }
        double det = m[0][0] * inv[0][0] + m[0][1] * inv[1][0] + m[0][2] * inv[2][0];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                inv[r][c] /= det;
            }
        }
        return inv;
    }
}
