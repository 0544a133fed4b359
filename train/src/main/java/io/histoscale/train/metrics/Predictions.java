package io.histoscale.train.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * Class probabilities a model gave to patches, with the patches' true labels; source of {@link Metrics} and of
 * per-patch prediction tables.
 */
public final class Predictions {

    /** Cross-entropy of a probability this small or smaller counts as this one's, so one sure mistake stays finite. */
    private static final double MIN_PROBABILITY = 1e-7;

    /** One scored patch: its index in the source, its true class (-1 unlabelled) and a probability per class. */
    public record Row(long index, int label, float[] probabilities) {

        /** The most probable class (the first of equals). */
        public int predicted() {
            int best = 0;
            for (int c = 1; c < probabilities.length; c++) {
                if (probabilities[c] > probabilities[best]) {
                    best = c;
                }
            }
            return best;
        }
    }

    private final List<String> classes;
    private final List<Row> rows = new ArrayList<>();

    /** Predictions over the given classes (at least two). */
    public Predictions(List<String> classes) {
        if (classes.size() < 2) {
            throw new IllegalArgumentException("a classifier has at least 2 classes, not " + classes);
        }
        this.classes = List.copyOf(classes);
    }

    public List<String> classes() {
        return classes;
    }

    public void add(long index, int label, float[] probabilities) {
        if (probabilities.length != classes.size()) {
            throw new IllegalArgumentException(probabilities.length + " probabilities for " + classes.size()
                    + " classes");
        }
        rows.add(new Row(index, label, probabilities.clone()));
    }

    /** Adds all of {@code other}'s rows, e.g. to pool the validation folds of a cross-validation. */
    public void addAll(Predictions other) {
        if (!other.classes.equals(classes)) {
            throw new IllegalArgumentException("classes " + other.classes + " differ from " + classes);
        }
        rows.addAll(other.rows);
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public int size() {
        return rows.size();
    }

    /**
     * Loss, accuracy, AUC and, with two classes, sensitivity and specificity for {@code positiveClass}; unlabelled
     * rows are left out.
     */
    public Metrics metrics(int positiveClass) {
        int k = classes.size();
        long[][] confusion = new long[k][k];
        double lossSum = 0;
        long correct = 0;
        List<Row> labelled = rows.stream().filter(r -> r.label >= 0).toList();
        for (Row r : labelled) {
            int predicted = r.predicted();
            confusion[r.label][predicted]++;
            correct += predicted == r.label ? 1 : 0;
            lossSum -= Math.log(Math.max(MIN_PROBABILITY, r.probabilities[r.label]));
        }
        long n = labelled.size();
        if (n == 0) {
            return new Metrics(0, null, null, null, null, null, confusion);
        }
        Double sensitivity = null;
        Double specificity = null;
        Double auc;
        if (k == 2) {
            int negativeClass = 1 - positiveClass;
            sensitivity = share(confusion[positiveClass][positiveClass], confusion[positiveClass]);
            specificity = share(confusion[negativeClass][negativeClass], confusion[negativeClass]);
            auc = orNull(oneVsRest(labelled, positiveClass));
        } else {
            double sum = 0;
            boolean defined = true;
            for (int c = 0; c < k && defined; c++) {
                double a = oneVsRest(labelled, c);
                defined = !Double.isNaN(a);
                sum += a;
            }
            auc = defined ? sum / k : null;
        }
        return new Metrics(n, lossSum / n, (double) correct / n, auc, sensitivity, specificity, confusion);
    }

    /**
     * Writes a CSV table, one row per patch: {@code index,<extra columns>,label,predicted,p_<class>...}; label and
     * predicted are class names (label empty when unlabelled).
     *
     * @param header     names of the extra columns
     * @param extraCells the extra cells of a patch (by source index), already CSV-escaped
     */
    public void writeCsv(Writer out, List<String> header, LongFunction<List<String>> extraCells) {
        try {
            List<String> head = new ArrayList<>(List.of("index"));
            head.addAll(header);
            head.addAll(List.of("label", "predicted"));
            classes.forEach(c -> head.add("p_" + c));
            out.write(String.join(",", head) + "\n");
            for (Row r : rows) {
                List<String> cells = new ArrayList<>(List.of(Long.toString(r.index)));
                cells.addAll(extraCells.apply(r.index));
                cells.add(r.label >= 0 ? classes.get(r.label) : "");
                cells.add(classes.get(r.predicted()));
                for (float p : r.probabilities) {
                    cells.add(String.format(Locale.ROOT, "%.6f", p));
                }
                out.write(String.join(",", cells) + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double oneVsRest(List<Row> labelled, int positiveClass) {
        double[] scores = new double[labelled.size()];
        boolean[] positive = new boolean[labelled.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = labelled.get(i).probabilities[positiveClass];
            positive[i] = labelled.get(i).label == positiveClass;
        }
        return Auc.of(scores, positive);
    }

    private static Double share(long part, long[] row) {
        long total = 0;
        for (long v : row) {
            total += v;
        }
        return total == 0 ? null : (double) part / total;
    }

    private static Double orNull(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
