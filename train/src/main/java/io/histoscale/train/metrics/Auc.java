package io.histoscale.train.metrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Area under the ROC curve from ranks (the Mann-Whitney U statistic): the chance that a randomly drawn positive
 * scores higher than a randomly drawn negative, a tie counting one half.
 */
public final class Auc {

    private Auc() {
    }

    /**
     * The AUC of {@code scores} for telling {@code positive} samples from the others.
     *
     * @return the AUC in [0, 1], or {@code NaN} when there are no positives or no negatives
     */
    public static double of(double[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + positive.length + " labels");
        }
        int n = scores.length;
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        double positiveRankSum = 0;
        long positives = 0;
        for (int start = 0; start < n; ) {
            int end = start;
            while (end < n && Double.compare(scores[order[end]], scores[order[start]]) == 0) {
                end++;
            }
            // ranks start..end-1 (1-based: start+1..end) are tied: each gets their mean
            double meanRank = (start + 1 + end) / 2.0;
            for (int k = start; k < end; k++) {
                if (positive[order[k]]) {
                    positiveRankSum += meanRank;
                    positives++;
                }
            }
            start = end;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        double u = positiveRankSum - positives * (positives + 1) / 2.0;
        return u / ((double) positives * negatives);
    }
}
