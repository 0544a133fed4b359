package io.histoscale.train.metrics;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How well a classifier did on a set of labelled patches.
 *
 * @param count       labelled patches scored
 * @param loss        mean cross-entropy (natural log) of the true class; null without labelled patches
 * @param accuracy    share of patches whose most probable class is the true one; null without labelled patches
 * @param auc         ROC AUC of the positive class's probability (two classes), or the mean one-vs-rest AUC over
 *                    classes (more classes); null when a class it needs is absent
 * @param sensitivity share of positive patches predicted positive (two classes only; null otherwise or without
 *                    positives)
 * @param specificity share of negative patches predicted negative (two classes only; null otherwise or without
 *                    negatives)
 * @param confusion   {@code confusion[true][predicted]} patch counts
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Metrics(long count, Double loss, Double accuracy, Double auc, Double sensitivity, Double specificity,
                      long[][] confusion) {
}
