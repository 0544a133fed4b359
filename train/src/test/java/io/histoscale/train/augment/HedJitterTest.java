package io.histoscale.train.augment;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class HedJitterTest {

    @Test
    void deconvolutionMatrixInvertsTheStainMatrix() {
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                double sum = 0;
                for (int k = 0; k < 3; k++) {
                    sum += HedJitter.RGB_FROM_HED[r][k] * HedJitter.HED_FROM_RGB[k][c];
                }
                assertThat(sum).isCloseTo(r == c ? 1 : 0, within(1e-12));
            }
        }
    }

    @Test
    void noJitterKeepsThePixels() {
        float[] rgb = randomPixels(500, 1);
        float[] copy = rgb.clone();
        HedJitter.apply(rgb, new double[] {1, 1, 1}, new double[] {0, 0, 0});
        for (int i = 0; i < rgb.length; i++) {
            assertThat(rgb[i]).isCloseTo(copy[i], within(1e-3f));
        }
    }

    @Test
    void scalingHaematoxylinScalesOnlyItsConcentration() {
        // a pixel of 0.8 haematoxylin and 0.4 eosin
        float[] rgb = new float[3];
        for (int i = 0; i < 3; i++) {
            rgb[i] = Macenko.toIntensity(0.8 * HedJitter.RGB_FROM_HED[0][i] + 0.4 * HedJitter.RGB_FROM_HED[1][i]);
        }
        HedJitter.apply(rgb, new double[] {1.5, 1, 1}, new double[] {0, 0.1, 0});
        double[] hed = deconvolve(rgb);
        assertThat(hed[0]).isCloseTo(1.2, within(1e-3));
        assertThat(hed[1]).isCloseTo(0.5, within(1e-3));
        assertThat(hed[2]).isCloseTo(0, within(1e-3));
    }

    @Test
    void randomJitterStaysWithinItsStrength() {
        float[] rgb = randomPixels(200, 2);
        float[] jittered = rgb.clone();
        HedJitter.random(jittered, 0.05, new SplittableRandom(3));
        double[] before = deconvolve(rgb);
        double[] after = deconvolve(jittered);
        for (int s = 0; s < 2; s++) {
            assertThat(after[s]).isNotEqualTo(before[s]);
            assertThat(Math.abs(after[s] - before[s])).isLessThan(0.05 * Math.abs(before[s]) + 0.05 + 1e-3);
        }
    }

    private static double[] deconvolve(float[] rgb) {
        double[] hed = new double[3];
        for (int s = 0; s < 3; s++) {
            for (int i = 0; i < 3; i++) {
                hed[s] += -Math.log((rgb[i] + 1) / 256.0) * HedJitter.HED_FROM_RGB[i][s];
            }
        }
        return hed;
    }

    private static float[] randomPixels(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] rgb = new float[n * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = 60 + random.nextInt(180);
        }
        return rgb;
    }
}
