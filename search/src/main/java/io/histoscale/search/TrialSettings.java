package io.histoscale.search;

import io.histoscale.model.CnnArchitecture;
import io.histoscale.train.TrainConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a trial's parameters become training settings: each parameter is a training setting (snake_case, as in
 * {@link TrainConfig}) or, named {@code arch.GENE}, a gene of the {@link CnnArchitecture} family; the genes make
 * the trial's {@code model} name (when {@code model} is {@code cnn} or not searched). So every trial is an ordinary
 * model that train, evaluate, stage and federate accept.
 */
public final class TrialSettings {

    /** The prefix of architecture genes. */
    public static final String ARCH = "arch.";

    private TrialSettings() {
    }

    /** The training settings of a trial: the study's, then the trial's parameters. */
    public static TrainConfig trainConfig(SearchConfig config, Map<String, ?> params) {
        return trainConfig(config.training(), params);
    }

    /** The training settings of a trial with these parameters over the study's {@code training} settings. */
    public static TrainConfig trainConfig(Map<String, ?> training, Map<String, ?> params) {
        return TrainConfig.fromMap(settings(training, params));
    }

    /** The study's training settings with the trial's parameters over them, genes turned into a model name. */
    public static Map<String, Object> settings(Map<String, ?> training, Map<String, ?> params) {
        Map<String, Object> merged = new LinkedHashMap<>(training);
        Map<String, Object> genes = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (k.startsWith(ARCH)) genes.put(k.substring(ARCH.length()), v);
            else merged.put(k, v);
        });
        Object model = merged.get("model");
        if (!genes.isEmpty() && (model == null || CnnArchitecture.FAMILY.equals(model))
                || CnnArchitecture.FAMILY.equals(model)) {
            merged.put("model", CnnArchitecture.fromGenes(genes).cliName());
        }
        return merged;
    }
}
