package io.histoscale.federation.strategy;

import java.util.List;

/** The baseline: all data at one place (one site holding every centre's patches), trained in one go. */
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
        return round == 1 && !sites.isEmpty() ? List.of(Assignment.train(sites.get(0).name(), epochs)) : List.of();
    }

    @Override
    public GlobalState aggregate(int round, GlobalState state, List<SiteResult> results) {
        return results.isEmpty() ? state.unchanged(round) : state.next(round, results.get(0).weights());
    }
}
