package io.histoscale.registry;

import java.util.List;
import java.util.Map;

/**
 * What a run measured: the final figures recorded in the registry when it ended (train: {@code val_auc},
 * {@code train_loss}, …; tile: {@code slides}, {@code patches}), and the lines of its metrics file so far (train: one
 * per epoch, see {@link MetricsFile}), which grow while it runs.
 *
 * @param recorded final figures by name; empty until the run records them
 * @param history  the lines of the run's metrics file, oldest first; empty when it has none (yet)
 */
public record RunMetrics(String runId, Map<String, Double> recorded, List<Map<String, Double>> history) {
}
