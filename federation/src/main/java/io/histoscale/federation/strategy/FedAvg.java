package io.histoscale.federation.strategy;

import io.histoscale.core.Settings;
import io.histoscale.model.ModelWeights;
import io.histoscale.train.FitRequest;

import java.util.List;
import java.util.Map;

/**
 * Federated averaging (McMahan et al. 2017): every round all sites train from the global weights for a few local
 * epochs; the new global weights (and batch-norm statistics) are the average weighted by training sample counts, over
 * the sites that answered. With {@code mu > 0} it is FedProx (Li et al. 2020): local training also pulls towards the
 * round's global weights ({@link FedProxFactory}).
 */
final class FedAvg implements Strategy {

    private final String name;
    private final int rounds;
    private final double localEpochs;
    private final double mu;

    FedAvg(String name, int rounds, double localEpochs, double mu) {
        this.name = name;
        this.rounds = rounds;
        this.localEpochs = localEpochs;
        this.mu = mu;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Assignment> configure(int round, GlobalState state, List<SiteInfo> sites) {
        if (round > rounds) {
            return List.of();
        }
        Map<String, Object> task = TaskKeys.stretch((round - 1) * localEpochs, round * localEpochs,
                rounds * localEpochs);
        if (mu > 0) {
            task.put(FitRequest.PROXIMAL_MU, mu);
        }
        return sites.stream().map(s -> Assignment.train(s.name(), task)).toList();
    }

    @Override
    public GlobalState aggregate(int round, GlobalState state, List<SiteResult> results) {
        if (results.isEmpty()) {
            return state.unchanged(round);
        }
        return state.next(round, ModelWeights.weightedAverage(results.stream().map(SiteResult::weights).toList(),
                results.stream().map(r -> (double) r.samples()).toList()));
    }

    static int rounds(Settings s) {
        int rounds = s.integer("rounds", 3);
        Settings.check("rounds", rounds, rounds >= 1, "give at least 1");
        return rounds;
    }

    static double localEpochs(Settings s) {
        double local = s.number("local_epochs", 1);
        Settings.check("local_epochs", local, local > 0, "give a positive number of epochs per round");
        return local;
    }

    /** {@code strategy: fedavg}; settings {@code rounds} (default 3), {@code local_epochs} (default 1). */
    public static final class Factory implements StrategyFactory {
        @Override
        public String name() {
            return "fedavg";
        }

        @Override
        public String description() {
            return "federated averaging: every site trains each round, weights averaged by sample count";
        }

        @Override
        public Strategy create(Settings s) {
            return new FedAvg(name(), rounds(s), localEpochs(s), 0);
        }

        @Override
        public Map<String, Object> forBudget(double epochs, Map<String, Object> options) {
            return Map.of("rounds", (int) Math.round(epochs), "local_epochs", 1);
        }
    }
}
