package io.histoscale.train;

import io.histoscale.model.ModelWeights;
import io.histoscale.train.metrics.Metrics;

import java.util.List;

/**
 * What a {@link FitRequest} produced: the weights to hand on, and aggregate numbers only.
 *
 * @param weights      the best validation epoch's weights (with {@code keep_best}), else the last
 * @param samples      patches trained on, repeats counted
 * @param steps        optimiser steps
 * @param epochs       epochs trained (steps over steps per epoch)
 * @param trainSeconds time spent training (loading included, validation not)
 * @param trainLoss    mean training loss over the steps
 * @param validation   validation metrics of the returned weights, or null without validation patches
 * @param history      every (possibly partial) epoch's metrics
 */
public record FitResult(ModelWeights weights, long samples, long steps, double epochs, double trainSeconds,
                        double trainLoss, Metrics validation, List<EpochMetrics> history) {
}
