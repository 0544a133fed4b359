package io.histoscale.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.histoscale.train.metrics.Metrics;

/**
 * One epoch of training, as one line of {@code metrics.jsonl}.
 *
 * @param epoch           epoch number, from 1
 * @param learningRate    rate of the epoch's last step
 * @param trainLoss       mean training loss over the epoch's steps
 * @param trainImages     images trained on
 * @param imagesPerSecond training throughput (loading included, validation and checkpoints not)
 * @param seconds         wall time of the epoch, validation and checkpoints included
 * @param val             validation metrics, or null without a validation split
 * @param best            whether this epoch's weights became the model (best.ckpt): the best validation score so
 *                        far; in a cross-validation fold, the last epoch
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpochMetrics(int epoch, double learningRate, double trainLoss, long trainImages, double imagesPerSecond,
                           double seconds, Metrics val, boolean best) {
}
