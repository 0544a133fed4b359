package io.histoscale.federation.strategy;

import io.histoscale.core.Settings;

import java.util.List;
import java.util.Map;

/**
 * Single weight transfer (Chang et al. 2018): the first site trains until its validation stops improving, hands its
 * best weights to the next, and so on once through the sites; one site per round.
 */
final class SingleTransfer implements Strategy {

    private final int maxEpochs;
    private final int patience;

    SingleTransfer(int maxEpochs, int patience) {
        this.maxEpochs = maxEpochs;
        this.patience = patience;
    }

    @Override
    public String name() {
        return "single";
    }

    @Override
    public List<Assignment> configure(int round, GlobalState state, List<SiteInfo> sites) {
        if (round > sites.size()) {
            return List.of();
        }
        return List.of(Assignment.train(sites.get(round - 1).name(), TaskKeys.untilNoBetter(maxEpochs, patience)));
    }

    @Override
    public GlobalState aggregate(int round, GlobalState state, List<SiteResult> results) {
        return results.isEmpty() ? state.unchanged(round) : state.next(round, results.get(0).weights());
    }

    /** Reads {@code max_epochs} (default 10) and {@code patience} (default 2, at least 1). */
    static int[] epochsAndPatience(Settings s) {
        int max = s.integer("max_epochs", 10);
        Settings.check("max_epochs", max, max >= 1, "give at least 1");
        int patience = s.integer("patience", 2);
        Settings.check("patience", patience, patience >= 1,
                "give at least 1: per-site models stop when validation stops improving");
        return new int[] {max, patience};
    }

    /** {@code strategy: single}; settings {@code max_epochs} (default 10), {@code patience} (default 2). */
    public static final class Factory implements StrategyFactory {
        @Override
        public String name() {
            return "single";
        }

        @Override
        public String description() {
            return "single weight transfer: each site in turn trains until validation stops improving";
        }

        @Override
        public Strategy create(Settings s) {
            int[] e = epochsAndPatience(s);
            return new SingleTransfer(e[0], e[1]);
        }

        @Override
        public Map<String, Object> forBudget(double epochs, Map<String, Object> options) {
            return Map.of("max_epochs", (int) Math.round(epochs), "patience", options.getOrDefault("patience", 2));
        }
    }
}
