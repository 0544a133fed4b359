package io.histoscale.federation.strategy;

import io.histoscale.federation.ModelWeights;

import java.util.List;

/**
 * Federated averaging (McMahan et al. 2017): every round all sites train from the global weights for a few local
 * epochs; the new global weights (and batch-norm statistics) are the average weighted by training sample counts, over
 * the sites that answered. With {@code mu > 0} it is FedProx (Li et al. 2020): local training also pulls towards the
 * round's global weights.
 */
final class FedAvg implements Strategy {

    private final int rounds;
    private final double localEpochs;
    private final double mu;

    FedAvg(int rounds, double localEpochs, double mu) {
        this.rounds = rounds;
        this.localEpochs = localEpochs;
        this.mu = mu;
    }

    @Override
    public String name() {
        return mu > 0 ? "fedprox" : "fedavg";
    }

    @Override
    public List<Assignment> configure(int round, GlobalState state, List<SiteInfo> sites) {
        if (round > rounds) {
            return List.of();
        }
        return sites.stream().map(s -> new Assignment(s.name(), 0, localEpochs, 0, mu, false, null,
                Progress.round(round, rounds))).toList();
    }

    @Override
    public GlobalState aggregate(int round, GlobalState state, List<SiteResult> results) {
        if (results.isEmpty()) {
            return state.unchanged(round);
        }
        return state.next(round, ModelWeights.weightedAverage(results.stream().map(SiteResult::weights).toList(),
                results.stream().map(r -> (double) r.samples()).toList()));
    }
}
