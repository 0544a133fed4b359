package io.histoscale.search.space;

/** An integer range [low, high] on a grid of {@code step} from {@code low}, uniform or log-uniform. */
public record IntParam(String name, double low, double high, boolean log, double step, Condition condition)
        implements NumericParam {

    @Override
    public Object value(double x) {
        double v = log ? Math.exp(x) : x;
        long k = Math.round((v - low) / step);
        long max = (long) Math.floor((high - low) / step + 1e-9);
        return (int) (low + Math.min(max, Math.max(0, k)) * step);
    }

    @Override
    public boolean contains(Object value) {
        return NumericParam.super.contains(value) && value instanceof Number n
                && n.doubleValue() == Math.rint(n.doubleValue());
    }
}
