package io.histoscale.federation.strategy;

import io.histoscale.train.FitRequest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-site task keys strategies put in an {@link Strategy.Assignment}'s config map: which stretch of a training
 * budget to train ({@link FitRequest}'s keys) and the early stopping of per-site models. A site merges them over the
 * plan's training settings and trains through the train module's one loop.
 */
public final class TaskKeys {

    /** Stop after this many epochs without a better validation score (training setting {@code patience}). */
    public static final String PATIENCE = "patience";

    private TaskKeys() {
    }

    /**
     * Train epochs {@code from..to} of a budget of {@code budget} epochs, returning the last weights.
     */
    public static Map<String, Object> stretch(double from, double to, double budget) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(FitRequest.FROM_EPOCH, from);
        config.put(FitRequest.TO_EPOCH, to);
        config.put(FitRequest.BUDGET_EPOCHS, budget);
        config.put(FitRequest.KEEP_BEST, false);
        config.put(PATIENCE, 0);
        return config;
    }

    /**
     * Train up to {@code epochs} epochs (a whole budget of its own), stopping after {@code patience} epochs without
     * a better validation score, returning the best epoch's weights.
     */
    public static Map<String, Object> untilNoBetter(int epochs, int patience) {
        Map<String, Object> config = stretch(0, epochs, epochs);
        config.put(FitRequest.KEEP_BEST, true);
        config.put(PATIENCE, patience);
        return config;
    }
}
