package io.histoscale.train.augment;

import io.histoscale.core.UserException;

import java.util.Arrays;
import java.util.Optional;

/**
 * Stain normalisation after Macenko et al., "A method for normalizing histology slides for quantitative analysis"
 * (ISBI 2009): pixels are turned into optical densities (OD); the plane spanned by the two main singular vectors of
 * the stained pixels' ODs holds both stains; the extreme angles of the pixels in that plane (robust 1st and 99th
 * percentiles) are taken as the haematoxylin and eosin directions. Each pixel's OD is split into the two stains'
 * concentrations, which are scaled so that their 99th percentiles match a reference image's, and re-coloured with the
 * reference's stain vectors.
 *
 * <p>Pixels are HWC RGB floats in [0, 255]; OD is {@code -ln((I + 1) / 256)}.
 */
public final class Macenko {

    /**
     * Pixels whose OD vector is shorter than this are background (nearly white) and do not shape the stains. (The
     * length, not each channel: eosin absorbs little red or blue, so a per-channel test would drop pure eosin.)
     */
    static final double BACKGROUND_OD = 0.15;
    /** Percentile of the angles taken as each stain's direction, from either end. */
    static final double ANGLE_PERCENTILE = 1;
    /** Percentile of each stain's concentrations taken as its maximum. */
    static final double CONCENTRATION_PERCENTILE = 99;
    /** Images with fewer stained pixels than this share keep their colours: too little tissue to see its stains. */
    static final double MIN_STAINED_SHARE = 0.05;

    /**
     * Two stains as unit OD vectors (RGB), with the 99th percentile of each stain's concentration in the image they
     * were estimated from.
     */
    public record Stains(double[] hematoxylin, double[] eosin, double maxHematoxylin, double maxEosin) {
    }

    private final Stains reference;

    /** A normaliser to the stains of a reference image (see {@link #estimate}). */
    public Macenko(Stains reference) {
        this.reference = reference;
    }

    /**
     * The stains of a reference image, for {@link #Macenko(Stains)}.
     *
     * @throws UserException when the image has too little stained tissue
     */
    public static Stains reference(float[] rgb, String what) {
        return estimate(rgb).orElseThrow(() -> new UserException(what + " has too little stained tissue to estimate "
                + "its stains from (under " + Math.round(MIN_STAINED_SHARE * 100) + " % of pixels): choose a "
                + "reference with more tissue"));
    }

    /**
     * The stains of an image's pixels, or empty when under {@value #MIN_STAINED_SHARE} of them are stained or the
     * stains cannot be told apart.
     */
    public static Optional<Stains> estimate(float[] rgb) {
        int pixels = rgb.length / 3;
        double[] od = opticalDensity(rgb);
        double[][] moments = new double[3][3];
        int stained = 0;
        for (int p = 0; p < pixels; p++) {
            if (isStained(od, p)) {
                stained++;
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        moments[i][j] += od[3 * p + i] * od[3 * p + j];
                    }
                }
            }
        }
        if (stained < MIN_STAINED_SHARE * pixels || stained < 3) {
            return Optional.empty();
        }
        double[][] axes = principalAxes(moments);
        double[] first = positive(axes[0]);
        double[] second = axes[1];
        double[] angles = new double[stained];
        int n = 0;
        for (int p = 0; p < pixels; p++) {
            if (isStained(od, p)) {
                angles[n++] = Math.atan2(dot(od, p, second), dot(od, p, first));
            }
        }
        Arrays.sort(angles);
        double low = percentile(angles, ANGLE_PERCENTILE);
        double high = percentile(angles, 100 - ANGLE_PERCENTILE);
        double[] a = unit(combine(first, Math.cos(low), second, Math.sin(low)));
        double[] b = unit(combine(first, Math.cos(high), second, Math.sin(high)));
        if (a == null || b == null || Math.abs(dot(a, b)) > 0.9999) {
            return Optional.empty();
        }
        // Haematoxylin absorbs red more than eosin does.
        double[] hematoxylin = a[0] > b[0] ? a : b;
        double[] eosin = a[0] > b[0] ? b : a;
        double[] concentrations = concentrations(od, hematoxylin, eosin);
        double[] h = new double[pixels];
        double[] e = new double[pixels];
        for (int p = 0; p < pixels; p++) {
            h[p] = concentrations[2 * p];
            e[p] = concentrations[2 * p + 1];
        }
        Arrays.sort(h);
        Arrays.sort(e);
        double maxH = percentile(h, CONCENTRATION_PERCENTILE);
        double maxE = percentile(e, CONCENTRATION_PERCENTILE);
        if (!(maxH > 0) || !(maxE > 0)) {
            return Optional.empty();
        }
        return Optional.of(new Stains(hematoxylin, eosin, maxH, maxE));
    }

    /**
     * Re-stains pixels in place: {@code stains} are the ones estimated for the image the pixels come from (they may
     * be a crop of it).
     */
    public void normalise(float[] rgb, Stains stains) {
        double[] od = opticalDensity(rgb);
        double[] c = concentrations(od, stains.hematoxylin, stains.eosin);
        double scaleH = reference.maxHematoxylin / stains.maxHematoxylin;
        double scaleE = reference.maxEosin / stains.maxEosin;
        for (int p = 0; p < rgb.length / 3; p++) {
            double ch = c[2 * p] * scaleH;
            double ce = c[2 * p + 1] * scaleE;
            for (int i = 0; i < 3; i++) {
                double density = ch * reference.hematoxylin[i] + ce * reference.eosin[i];
                rgb[3 * p + i] = toIntensity(density);
            }
        }
    }

    /** Normalises an image with its own stains; returns false (pixels unchanged) when they cannot be estimated. */
    public boolean normalise(float[] rgb) {
        Optional<Stains> stains = estimate(rgb);
        stains.ifPresent(s -> normalise(rgb, s));
        return stains.isPresent();
    }

    static double[] opticalDensity(float[] rgb) {
        double[] od = new double[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            od[i] = -Math.log((Math.max(0, rgb[i]) + 1) / 256.0);
        }
        return od;
    }

    static float toIntensity(double density) {
        double v = 256 * Math.exp(-density) - 1;
        return (float) Math.max(0, Math.min(255, v));
    }

    /** Least-squares concentrations of two stains for every pixel: {@code [h0, e0, h1, e1, ...]}. */
    private static double[] concentrations(double[] od, double[] h, double[] e) {
        double hh = dot(h, h);
        double he = dot(h, e);
        double ee = dot(e, e);
        double det = hh * ee - he * he;
        int pixels = od.length / 3;
        double[] c = new double[2 * pixels];
        for (int p = 0; p < pixels; p++) {
            double ho = dot(od, p, h);
            double eo = dot(od, p, e);
            c[2 * p] = (ee * ho - he * eo) / det;
            c[2 * p + 1] = (hh * eo - he * ho) / det;
        }
        return c;
    }

    private static boolean isStained(double[] od, int p) {
        double r = od[3 * p];
        double g = od[3 * p + 1];
        double b = od[3 * p + 2];
        return r * r + g * g + b * b >= BACKGROUND_OD * BACKGROUND_OD;
    }

    /**
     * Eigenvectors of a symmetric 3x3 matrix, largest eigenvalue first (cyclic Jacobi rotations: exact to rounding
     * for so small a matrix).
     */
    static double[][] principalAxes(double[][] matrix) {
        double[][] a = new double[3][];
        for (int i = 0; i < 3; i++) {
            a[i] = matrix[i].clone();
        }
        double[][] v = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        for (int sweep = 0; sweep < 64; sweep++) {
            double off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2];
            if (off <= 1e-30 * (a[0][0] * a[0][0] + a[1][1] * a[1][1] + a[2][2] * a[2][2])) {
                break;
            }
            for (int p = 0; p < 2; p++) {
                for (int q = p + 1; q < 3; q++) {
                    if (a[p][q] == 0) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < 3; k++) {
                        double kp = a[k][p];
                        double kq = a[k][q];
                        a[k][p] = c * kp - s * kq;
                        a[k][q] = s * kp + c * kq;
                    }
                    for (int k = 0; k < 3; k++) {
                        double pk = a[p][k];
                        double qk = a[q][k];
                        a[p][k] = c * pk - s * qk;
                        a[q][k] = s * pk + c * qk;
                    }
                    for (int k = 0; k < 3; k++) {
                        double kp = v[k][p];
                        double kq = v[k][q];
                        v[k][p] = c * kp - s * kq;
                        v[k][q] = s * kp + c * kq;
                    }
                }
            }
        }
        Integer[] order = {0, 1, 2};
        double[][] eigen = a;
        Arrays.sort(order, (i, j) -> Double.compare(eigen[j][j], eigen[i][i]));
        double[][] axes = new double[3][3];
        for (int r = 0; r < 3; r++) {
            for (int k = 0; k < 3; k++) {
                axes[r][k] = v[k][order[r]];
            }
        }
        return axes;
    }

    /** The vector or its opposite, whichever points into the positive octant more. */
    private static double[] positive(double[] v) {
        return v[0] + v[1] + v[2] >= 0 ? v : new double[] {-v[0], -v[1], -v[2]};
    }

    private static double[] combine(double[] x, double a, double[] y, double b) {
        return new double[] {a * x[0] + b * y[0], a * x[1] + b * y[1], a * x[2] + b * y[2]};
    }

    private static double[] unit(double[] v) {
        double norm = Math.sqrt(dot(v, v));
        return norm > 0 ? new double[] {v[0] / norm, v[1] / norm, v[2] / norm} : null;
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    private static double dot(double[] od, int p, double[] v) {
        return od[3 * p] * v[0] + od[3 * p + 1] * v[1] + od[3 * p + 2] * v[2];
    }

    /** The value at a percentile of sorted values (nearest rank below). */
    private static double percentile(double[] sorted, double percent) {
        return sorted[(int) Math.floor(percent / 100 * (sorted.length - 1))];
    }
}
