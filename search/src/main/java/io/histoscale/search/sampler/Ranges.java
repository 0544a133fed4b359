package io.histoscale.search.sampler;

import io.histoscale.search.space.CategoricalParam;
import io.histoscale.search.space.FixedParam;
import io.histoscale.search.space.NumericParam;
import io.histoscale.search.space.Param;

import java.util.SplittableRandom;

/**
 * How samplers see a numeric range on its internal scale: a grid range (int, or float with a step) is widened by half
 * a step at each end, so that rounding a uniform draw gives every grid value the same share (or, on a log scale, the
 * share of its cell), and each grid value owns the cell of internal coordinates that round to it.
 */
final class Ranges {

    private Ranges() {
    }

    /** Whether {@code p} takes values on a grid. */
    static boolean discrete(NumericParam p) {
        return p.step() > 0;
    }

    /** The largest grid value (the upper bound for a continuous range). */
    static double top(NumericParam p) {
        return discrete(p) ? p.low() + Math.floor((p.high() - p.low()) / p.step() + 1e-9) * p.step() : p.high();
    }

    /** Number of grid values; 0 for a continuous range. */
    static int gridSize(NumericParam p) {
        return discrete(p) ? (int) Math.min(Integer.MAX_VALUE, Math.floor((p.high() - p.low()) / p.step() + 1e-9) + 1) : 0;
    }

    /** Lower end of the sampling range on the internal scale. */
    static double lo(NumericParam p) {
        if (!discrete(p)) return p.internalLow();
        double v = p.low() - p.step() / 2;
        return p.log() ? (v > 0 ? Math.log(v) : p.internalLow()) : v;
    }

    /** Upper end of the sampling range on the internal scale. */
    static double hi(NumericParam p) {
        if (!discrete(p)) return p.internalHigh();
        double v = top(p) + p.step() / 2;
        return p.log() ? Math.log(v) : v;
    }

    /** The internal coordinates {@code [from, to]} that round to grid value {@code value}. */
    static double[] cell(NumericParam p, double value) {
        double a = value - p.step() / 2;
        double b = value + p.step() / 2;
        double from = p.log() ? (a > 0 ? Math.log(a) : lo(p)) : a;
        double to = p.log() ? Math.log(b) : b;
        return new double[] {Math.max(lo(p), from), Math.min(hi(p), to)};
    }

    /** A recorded value on the internal scale, clamped to the sampling range; NaN when it is not a value of p. */
    static double internal(NumericParam p, Object value) {
        if (!(value instanceof Number) || !p.contains(value)) return Double.NaN;
        double x = p.internal(value);
        return Math.min(hi(p), Math.max(lo(p), x));
    }

    /** The internal coordinate a sampler keeps for internal draw {@code x}: the grid value's own for a grid range. */
    static double snap(NumericParam p, double x) {
        return discrete(p) ? p.internal(p.value(x)) : Math.min(hi(p), Math.max(lo(p), x));
    }

    /** A uniform draw on the internal scale (log-uniform for a log range). */
    static double uniform(NumericParam p, SplittableRandom random) {
        return lo(p) + random.nextDouble() * (hi(p) - lo(p));
    }

    /** An independent uniform value of {@code p}. */
    static Object randomValue(Param p, SplittableRandom random) {
        if (p instanceof NumericParam n) return n.value(uniform(n, random));
        if (p instanceof CategoricalParam c) return c.choices().get(random.nextInt(c.choices().size()));
        return ((FixedParam) p).value();
    }
}
