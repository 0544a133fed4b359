package io.histoscale.search.sampler;

import java.util.SplittableRandom;

/** The normal distribution truncated to an interval: log densities, log masses of cells, draws. */
final class Gauss {

    private static final double SQRT2 = Math.sqrt(2);
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    private Gauss() {
    }

    /** erfc(x), to about 1e-13 relative: a power series near 0, a continued fraction in the tails. */
    static double erfc(double x) {
        if (x < 0) return 2 - erfc(-x);
        if (x < 2.5) {
            // erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
            double x2 = x * x;
            double term = x;
            double sum = x;
            for (int n = 1; n < 100; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
            }
            return 1 - 2 / Math.sqrt(Math.PI) * sum;
        }
        if (x > 27) return 0;
        // erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), evaluated from the bottom
        double f = x;
        for (int k = 60; k >= 1; k--) {
            f = x + (k / 2.0) / f;
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }

    /** P(zl < Z < zh) for a standard normal Z, accurate in both tails. */
    static double mass(double zl, double zh) {
        if (zl >= 0) return 0.5 * (erfc(zl / SQRT2) - erfc(zh / SQRT2));
        if (zh <= 0) return 0.5 * (erfc(-zh / SQRT2) - erfc(-zl / SQRT2));
        return 1 - 0.5 * erfc(zh / SQRT2) - 0.5 * erfc(-zl / SQRT2);
    }

    /** log P(lo < X < hi) for X ~ N(mu, sigma). */
    static double logMass(double mu, double sigma, double lo, double hi) {
        double zl = (lo - mu) / sigma;
        double zh = (hi - mu) / sigma;
        double m = mass(zl, zh);
        if (m > 1e-280 && zh - zl > 1e-6) return Math.log(m);
        // a sliver or far in a tail: the density at the middle times the width
        double mid = 0.5 * (zl + zh);
        return -0.5 * mid * mid - LOG_SQRT_2PI + Math.log(Math.max(zh - zl, 1e-300));
    }

    /** log density of N(mu, sigma) at x (not normalised to an interval). */
    static double logPdf(double mu, double sigma, double x) {
        double z = (x - mu) / sigma;
        return -0.5 * z * z - LOG_SQRT_2PI - Math.log(sigma);
    }

    /** A draw of N(mu, sigma) truncated to [lo, hi], mu within it (so a rejection draws rarely misses twice). */
    static double draw(double mu, double sigma, double lo, double hi, SplittableRandom random) {
        for (int i = 0; i < 64; i++) {
            double x = mu + sigma * random.nextGaussian();
            if (x >= lo && x <= hi) return x;
        }
        return lo + random.nextDouble() * (hi - lo);
    }
}
