package io.histoscale.search.space;

/** A real range [low, high], uniform or log-uniform, optionally on a grid of {@code step} from {@code low}. */
public record FloatParam(String name, double low, double high, boolean log, double step, Condition condition)
        implements NumericParam {

    @Override
    public Object value(double x) {
        double v = log ? Math.exp(x) : x;
        if (step > 0) {
            v = low + Math.round((v - low) / step) * step;
        }
        return Math.min(high, Math.max(low, v));
    }
}
