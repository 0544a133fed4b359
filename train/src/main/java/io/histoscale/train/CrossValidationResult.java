package io.histoscale.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.histoscale.dataset.GroupBy;
import io.histoscale.train.metrics.Metrics;

import java.util.List;

/**
 * A group-wise cross-validation: every fold's model scored on its held-out groups, and all held-out predictions
 * pooled.
 *
 * @param groupBy      what the folds split by
 * @param folds        per fold
 * @param pooled       metrics over the held-out predictions of all folds together
 * @param meanAuc      mean of the folds' AUCs over folds where it is defined (both classes held out); null if none
 * @param sdAuc        standard deviation of those AUCs (n - 1), null for fewer than two
 * @param foldsWithAuc number of folds whose AUC is defined
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CrossValidationResult(GroupBy groupBy, List<Fold> folds, Metrics pooled, Double meanAuc, Double sdAuc,
                                    int foldsWithAuc) {

    /**
     * One fold.
     *
     * @param fold      number, from 0
     * @param valGroups the groups held out
     * @param epoch     epoch whose weights were scored (the last)
     * @param metrics   metrics on the held-out patches
     */
    public record Fold(int fold, List<String> valGroups, int epoch, Metrics metrics) {
    }
}
