/**
 * Predictions and the measures over them: loss, accuracy, rank-based AUC, sensitivity and specificity.
 */
package io.histoscale.train.metrics;
