package io.histoscale.federation.strategy;

import java.util.List;

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
        return List.of(new Assignment(sites.get(round - 1).name(), 0, maxEpochs, Math.max(1, patience), 0, false,
                null, Progress.WHOLE));
    }

    @Override
    public GlobalState aggregate(int round, GlobalState state, List<SiteResult> results) {
        return results.isEmpty() ? state.unchanged(round) : state.next(round, results.get(0).weights());
    }
}
