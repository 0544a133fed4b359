package io.histoscale.federation.strategy;

import io.histoscale.core.Settings;

import java.util.Map;

/**
 * {@code strategy: fedprox} (Li et al. 2020): FedAvg whose local training adds {@code mu/2 |w - w_global|^2}; settings
 * {@code rounds}, {@code local_epochs} and {@code mu} (default 0.01), which must be positive: with {@code mu: 0} it
 * would be FedAvg under another name.
 */
public final class FedProxFactory implements StrategyFactory {

    @Override
    public String name() {
        return "fedprox";
    }

    @Override
    public String description() {
        return "FedAvg with a proximal term mu pulling local training towards the round's global weights";
    }

    @Override
    public Strategy create(Settings s) {
        double mu = s.number("mu", 0.01);
        Settings.check("mu", mu, mu > 0 && Double.isFinite(mu),
                "give a positive proximal weight (mu 0 is plain FedAvg: use strategy fedavg)");
        return new FedAvg(name(), FedAvg.rounds(s), FedAvg.localEpochs(s), mu);
    }

    @Override
    public Map<String, Object> forBudget(double epochs, Map<String, Object> options) {
        return Map.of("rounds", (int) Math.round(epochs), "local_epochs", 1, "mu", options.getOrDefault("mu", 0.01));
    }
}
