package io.histoscale.staging;

import io.histoscale.slide.camelyon.PnStage;

import java.util.List;

/**
 * Cohen's kappa with quadratic weights, Camelyon17's score for pN stages: agreement between two ratings of ordered
 * categories beyond what chance gives, where a disagreement costs the square of the distance between the
 * categories.
 *
 * <p>kappa = 1 - sum(w O) / sum(w E), with O the confusion matrix, E = row total x column total / N the counts chance
 * would give with the same totals, and w(i, j) = (i - j)^2 over all categories of the scale: all five pN stages,
 * also those nobody used. (scikit-learn's {@code cohen_kappa_score(..., weights="quadratic")} numbers only the
 * categories that occur; give it {@code labels=[0, 1, 2, 3, 4]} to compare.)
 */
public final class Kappa {
    private Kappa() {
    }

    /** Kappa of true against predicted pN stages, pairwise; NaN when chance alone could not disagree (see below). */
    public static double quadraticWeighted(List<PnStage> truth, List<PnStage> predicted) {
        return ConfusionMatrix.of(PnStage.class, truth, predicted).quadraticWeightedKappa();
    }

    /**
     * Kappa of a square confusion matrix (rows true, columns predicted, categories in order). 1 is perfect
     * agreement, 0 what chance gives, below 0 worse. NaN when there is nothing to compare: no pairs, or all of them in
     * one row and one column, where chance already agrees fully and kappa is 0/0.
     */
    public static double quadraticWeighted(long[][] counts) {
        int k = counts.length;
        double[] rows = new double[k], columns = new double[k];
        double n = 0;
        for (int i = 0; i < k; i++) {
            if (counts[i].length != k) throw new IllegalArgumentException("confusion matrix is not square");
            for (int j = 0; j < k; j++) {
                rows[i] += counts[i][j];
                columns[j] += counts[i][j];
                n += counts[i][j];
            }
        }
        double observed = 0, expected = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double w = (double) (i - j) * (i - j);
                observed += w * counts[i][j];
                expected += w * rows[i] * columns[j] / n;
            }
        }
        return n == 0 || expected == 0 ? Double.NaN : 1 - observed / expected;
    }
}
