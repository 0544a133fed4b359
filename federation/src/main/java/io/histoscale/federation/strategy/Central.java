package io.histoscale.federation.strategy;

import io.histoscale.core.Settings;

import java.util.List;
import java.util.Map;

/**
 * The baseline: all data at one place (one site holding every centre's patches), trained in one go — the same as
 * {@code histoscale train} on those patches with the same settings.
 */
final class Central implements Strategy {

    private final double epochs;

    Central(double epochs) {
        this.epochs = epochs;
    }

    @Override
    public String name() {
        return "central";
    }

    @Override
    public List<Assignment> configure(int round, GlobalState state, List<SiteInfo> sites) {
        return round == 1 && !sites.isEmpty()
                ? List.of(Assignment.train(sites.get(0).name(), TaskKeys.stretch(0, epochs, epochs))) : List.of();
    }

    @Override
    public GlobalState aggregate(int round, GlobalState state, List<SiteResult> results) {
        return results.isEmpty() ? state.unchanged(round) : state.next(round, results.get(0).weights());
    }

    /** {@code strategy: central}; setting {@code epochs} (default 3). */
    public static final class Factory implements StrategyFactory {
        @Override
        public String name() {
            return "central";
        }

        @Override
        public String description() {
            return "all data at one site, trained in one go (the baseline)";
        }

        @Override
        public Strategy create(Settings s) {
            double epochs = s.number("epochs", 3);
            Settings.check("epochs", epochs, epochs > 0, "give a positive number of epochs");
            return new Central(epochs);
        }

        @Override
        public Map<String, Object> forBudget(double epochs, Map<String, Object> options) {
            return Map.of("epochs", epochs);
        }
    }
}
