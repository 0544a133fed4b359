package io.histoscale.search.space;

/**
 * A numeric range, on a linear or logarithmic scale, continuous or on a grid of {@link #step}. Samplers work on the
 * internal scale ({@link #internal}: the logarithm for a log range) and map back with {@link #value}, which rounds to
 * the grid and clamps to the range.
 */
public sealed interface NumericParam extends Param permits FloatParam, IntParam {

    double low();

    double high();

    boolean log();

    /** Grid spacing; 0 for a continuous range. */
    double step();

    /** The lower bound on the internal scale. */
    default double internalLow() {
        return log() ? Math.log(low()) : low();
    }

    /** The upper bound on the internal scale. */
    default double internalHigh() {
        return log() ? Math.log(high()) : high();
    }

    /** A value on the internal scale. */
    default double internal(Object value) {
        double v = ((Number) value).doubleValue();
        return log() ? Math.log(v) : v;
    }

    /** The parameter value of internal coordinate {@code x}: on the grid, within the range. */
    Object value(double x);

    @Override
    default boolean contains(Object value) {
        if (!(value instanceof Number n)) {
            return false;
        }
        double v = n.doubleValue();
        return v >= low() - 1e-12 * Math.abs(low()) && v <= high() + 1e-12 * Math.abs(high());
    }
}
