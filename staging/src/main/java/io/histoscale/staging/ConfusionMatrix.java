package io.histoscale.staging;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Counts of (true, predicted) pairs over the categories of an enum, in the enum's order, which is taken as ordinal
 * for the weighted kappa.
 *
 * @param <E> the categories, e.g. {@link io.histoscale.slide.camelyon.PnStage}
 */
public final class ConfusionMatrix<E extends Enum<E>> {
    private final List<E> categories;
    private final long[][] counts;

    private ConfusionMatrix(List<E> categories, long[][] counts) {
        this.categories = categories;
        this.counts = counts;
    }

    /** The matrix of paired ratings: {@code truth.get(i)} against {@code predicted.get(i)}. */
    public static <E extends Enum<E>> ConfusionMatrix<E> of(Class<E> type, List<E> truth, List<E> predicted) {
        if (truth.size() != predicted.size()) {
            throw new IllegalArgumentException(truth.size() + " true ratings but " + predicted.size() + " predicted");
        }
        List<E> categories = List.of(type.getEnumConstants());
        long[][] counts = new long[categories.size()][categories.size()];
        for (int i = 0; i < truth.size(); i++) counts[truth.get(i).ordinal()][predicted.get(i).ordinal()]++;
        return new ConfusionMatrix<>(categories, counts);
    }

    public List<E> categories() {
        return categories;
    }

    /** How often {@code truth} was predicted as {@code predicted}. */
    public long count(E truth, E predicted) {
        return counts[truth.ordinal()][predicted.ordinal()];
    }

    /** Rows are true categories, columns predicted ones (a copy). */
    public long[][] counts() {
        long[][] copy = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) copy[i] = counts[i].clone();
        return copy;
    }

    public long total() {
        long n = 0;
        for (long[] row : counts) {
            for (long c : row) n += c;
        }
        return n;
    }

    /** Share of pairs on the diagonal; NaN when empty. */
    public double accuracy() {
        long agree = 0;
        for (int i = 0; i < counts.length; i++) agree += counts[i][i];
        return (double) agree / total();
    }

    /** {@link Kappa#quadraticWeighted(long[][])} of this matrix. */
    public double quadraticWeightedKappa() {
        return Kappa.quadraticWeighted(counts);
    }

    /** A fixed-width table for the console, true categories down, predicted across. */
    public String toText(Function<E, String> names) {
        int width = 9;
        for (E c : categories) width = Math.max(width, names.apply(c).length() + 2);
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", "truth\\pred"));
        for (E c : categories) out.append(String.format(Locale.ROOT, "%" + width + "s", names.apply(c)));
        out.append('\n');
        for (E t : categories) {
            out.append(String.format(Locale.ROOT, "%-" + width + "s", names.apply(t)));
            for (E p : categories) out.append(String.format(Locale.ROOT, "%" + width + "d", count(t, p)));
            out.append('\n');
        }
        return out.toString();
    }
}
