package io.histoscale.train.augment;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MacenkoTest {

    static final double[] H = unit(0.65, 0.70, 0.29);
    static final double[] E = unit(0.07, 0.99, 0.11);
    /** Another lab's stains: a bluer haematoxylin, a more purple eosin. */
    static final double[] H2 = unit(0.55, 0.65, 0.52);
    static final double[] E2 = unit(0.20, 0.95, 0.24);

    /** Concentrations of a synthetic tissue: 10 % pure haematoxylin, 10 % pure eosin, 10 % background, rest mixed. */
    static double[][] concentrations(int pixels, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] c = new double[pixels][2];
        for (int p = 0; p < pixels; p++) {
            double kind = random.nextDouble();
            double h = 0.3 + 1.2 * random.nextDouble();
            double e = 0.3 + 0.9 * random.nextDouble();
            c[p] = kind < 0.1 ? new double[] {h, 0} : kind < 0.2 ? new double[] {0, e}
                    : kind < 0.3 ? new double[] {0.02 * random.nextDouble(), 0.02 * random.nextDouble()}
                    : new double[] {h, e};
        }
        return c;
    }

    static float[] render(double[][] c, double[] h, double[] e, double scaleH, double scaleE) {
        float[] rgb = new float[c.length * 3];
        for (int p = 0; p < c.length; p++) {
            for (int i = 0; i < 3; i++) {
                rgb[3 * p + i] = Macenko.toIntensity(c[p][0] * scaleH * h[i] + c[p][1] * scaleE * e[i]);
            }
        }
        return rgb;
    }

    @Test
    void recoversTheStainsOfASyntheticMixture() {
        double[][] c = concentrations(64 * 64, 1);
        Macenko.Stains stains = Macenko.estimate(render(c, H, E, 1, 1)).orElseThrow();
        assertThat(cosine(stains.hematoxylin(), H)).isGreaterThan(0.999);
        assertThat(cosine(stains.eosin(), E)).isGreaterThan(0.999);
        // 99th percentiles of the true concentrations: 1.5 and 1.2 at most
        assertThat(stains.maxHematoxylin()).isCloseTo(1.48, within(0.05));
        assertThat(stains.maxEosin()).isCloseTo(1.19, within(0.05));
    }

    @Test
    void restainsAnotherLabsImageToTheReference() {
        double[][] c = concentrations(64 * 64, 2);
        float[] reference = render(c, H, E, 1, 1);
        float[] other = render(c, H2, E2, 0.7, 1.3);
        double before = meanAbsoluteDifference(other, reference);
        Macenko normaliser = new Macenko(Macenko.estimate(reference).orElseThrow());
        assertThat(normaliser.normalise(other)).isTrue();
        double after = meanAbsoluteDifference(other, reference);
        assertThat(before).isGreaterThan(15);
        assertThat(after).isLessThan(2);
    }

    @Test
    void leavesNearlyBlankImagesAlone() {
        float[] blank = render(new double[1000][2], H, E, 1, 1);
        float[] copy = blank.clone();
        Macenko normaliser = new Macenko(Macenko.estimate(render(concentrations(1000, 3), H, E, 1, 1)).orElseThrow());
        assertThat(Macenko.estimate(blank)).isEmpty();
        assertThat(normaliser.normalise(blank)).isFalse();
        assertThat(blank).isEqualTo(copy);
    }

    @Test
    void principalAxesAreEigenvectors() {
        double[][] m = {{4, 1, 2}, {1, 3, 0.5}, {2, 0.5, 5}};
        double[][] axes = Macenko.principalAxes(m);
        double previous = Double.POSITIVE_INFINITY;
        for (double[] v : axes) {
            double[] mv = new double[3];
            for (int i = 0; i < 3; i++) {
                mv[i] = m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2];
            }
            double lambda = mv[0] * v[0] + mv[1] * v[1] + mv[2] * v[2];
            for (int i = 0; i < 3; i++) {
                assertThat(mv[i]).isCloseTo(lambda * v[i], within(1e-9));
            }
            assertThat(lambda).isLessThanOrEqualTo(previous);
            previous = lambda;
        }
    }

    static double meanAbsoluteDifference(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }

    static double cosine(double[] a, double[] b) {
        return (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / Math.sqrt((a[0] * a[0] + a[1] * a[1] + a[2] * a[2])
                * (b[0] * b[0] + b[1] * b[1] + b[2] * b[2]));
    }

    static double[] unit(double r, double g, double b) {
        double n = Math.sqrt(r * r + g * g + b * b);
        return new double[] {r / n, g / n, b / n};
    }
}
