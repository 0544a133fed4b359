package io.histoscale.federation;

import io.histoscale.federation.pki.Pki;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Test plans and PKIs (the patches come from {@link io.histoscale.testkit.SyntheticPatches}). */
final class Fixtures {

    private Fixtures() {
    }

    /** A quick plan: a small network on 24-pixel inputs, few epochs, everything on 127.0.0.1. */
    static Plan plan(String strategy, Path out, Path pki, int port, Path store, List<String> sites) {
        Plan plan = new Plan();
        plan.strategy = strategy;
        plan.sites = new java.util.ArrayList<>(sites);
        plan.strategySettings().putAll(switch (strategy) {
            case "fedavg" -> Map.of("rounds", 3, "local_epochs", 1);
            case "fedprox" -> Map.of("rounds", 3, "local_epochs", 1, "mu", 0.05);
            case "cyclical" -> Map.of("cycles", 2, "local_epochs", 1);
            case "central" -> Map.of("epochs", 3);
            case "single", "ensemble" -> Map.of("max_epochs", 3, "patience", 1);
            default -> Map.<String, Object>of();
        });
        plan.model.architecture = "small";
        plan.model.inputSize = 24;
        plan.training.put("batch_size", 8);
        plan.training.put("learning_rate", 3e-3);
        plan.listen = "127.0.0.1:" + port;
        plan.pki = pki.toString();
        plan.out = out.toString();
        plan.faults.joinTimeoutSeconds = 180;
        plan.faults.roundTimeoutSeconds = 120;
        plan.test = new Plan.Test();
        plan.test.data = store.toString();
        return plan;
    }

    /** A CA with certificates for the coordinator and the given sites. */
    static Path pki(Path dir, List<String> sites) {
        Pki pki = Pki.init(dir, "test-federation-ca");
        pki.issue("coordinator", List.of());
        sites.forEach(s -> pki.issue(s, List.of()));
        return dir;
    }
}
