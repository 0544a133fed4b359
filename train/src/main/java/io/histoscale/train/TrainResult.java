package io.histoscale.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.histoscale.train.metrics.Metrics;

import java.nio.file.Path;
import java.util.List;

/**
 * What a training run achieved.
 *
 * @param dir          the run folder
 * @param epochs       every epoch's metrics
 * @param bestEpoch    epoch whose weights are kept as the model (the best validation score; the last without
 *                     validation or in a cross-validation fold)
 * @param best         validation metrics of that epoch, or null without validation
 * @param stoppedEarly whether validation stopped improving before the last epoch
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainResult(@JsonSerialize(using = ToStringSerializer.class) Path dir, List<EpochMetrics> epochs,
                          int bestEpoch, Metrics best, boolean stoppedEarly) {
}
