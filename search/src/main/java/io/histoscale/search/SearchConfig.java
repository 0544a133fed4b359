package io.histoscale.search;

import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.search.space.SearchSpace;
import io.histoscale.search.space.SpaceFile;

import java.util.Map;
import java.util.Objects;

/**
 * Everything that defines a study, stored with it in the registry (as JSON) so that any worker, and a resumed
 * driver, works to the same settings.
 *
 * @param study             the study's name
 * @param space             the search space as YAML ({@link SpaceFile})
 * @param data              the patch store (or folder) every trial trains on, absolute
 * @param out               where trials' run folders go ({@code OUT/trial-0007}), absolute
 * @param metric            the validation metric to optimise: {@code val_auc}, {@code val_accuracy} or
 *                          {@code val_loss}
 * @param sampler           sampler name ({@link io.histoscale.search.sampler.Samplers})
 * @param samplerSettings   its settings
 * @param scheduler         scheduler name ({@link io.histoscale.search.scheduler.Schedulers})
 * @param schedulerSettings its settings
 * @param trials            how many trials the study runs
 * @param seed              seed of the samplers (each trial's generator is derived from it and the trial number)
 * @param training          training settings every trial starts from (threads, device, split …), snake_case keys;
 *                          the space's values replace them
 * @param heartbeatSeconds  a RUNNING trial whose worker has not been heard of for this long is handed back
 * @param maxAttempts       how often a trial is handed out before it is FAILED for good
 * @param epochBudget       no new trial is handed out once the trials have trained this many epochs in all (0: no
 *                          budget; the study then ends with fewer than {@code trials} trials)
 */
public record SearchConfig(String study, String space, String data, String out, String metric, String sampler,
                           Map<String, Object> samplerSettings, String scheduler, Map<String, Object> schedulerSettings,
                           int trials, long seed, Map<String, Object> training, double heartbeatSeconds,
                           int maxAttempts, int epochBudget) {

    /** The metrics a study may optimise, as the trials' epochs report them. */
    public static final java.util.List<String> METRICS = java.util.List.of("val_auc", "val_accuracy", "val_loss");

    public SearchConfig {
        Objects.requireNonNull(study, "study");
        if (!study.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw UserException.forKey("study", "'" + study + "': give letters, digits, '.', '_' or '-' (at most 128)");
        }
        if (!METRICS.contains(metric)) {
            throw UserException.forKey("metric", "'" + metric + "': give one of " + METRICS);
        }
        if (trials < 1) {
            throw UserException.forKey("trials", trials + ": give at least 1");
        }
        if (!(heartbeatSeconds > 0)) {
            throw UserException.forKey("heartbeat", heartbeatSeconds + ": give a positive number of seconds");
        }
        if (epochBudget < 0) {
            throw UserException.forKey("epoch_budget", epochBudget + ": give 0 (none) or more");
        }
        if (maxAttempts < 1) {
            throw UserException.forKey("max_attempts", maxAttempts + ": give at least 1");
        }
        samplerSettings = Map.copyOf(samplerSettings);
        schedulerSettings = Map.copyOf(schedulerSettings);
        training = Map.copyOf(training);
    }

    /** Whether a higher value of the metric is better. */
    public boolean maximise() {
        return !metric.endsWith("loss");
    }

    /** A value of the metric as a loss (lower is better). */
    public double loss(double value) {
        return maximise() ? -value : value;
    }

    /** The search space. */
    public SearchSpace searchSpace() {
        return SpaceFile.parse(space);
    }

    public String toJson() {
        return Json.line(this);
    }

    public static SearchConfig fromJson(String json) {
        try {
            return Json.MAPPER.readValue(json, SearchConfig.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a study's settings cannot be read: " + e.getMessage(), e);
        }
    }
}
