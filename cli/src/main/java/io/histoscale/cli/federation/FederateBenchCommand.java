package io.histoscale.cli.federation;

import io.histoscale.bench.federation.FederationBench;
import io.histoscale.core.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code histoscale bench federate}: per-round overhead of federated training against the 5 % goal. */
@Command(name = "federate", mixinStandardHelpOptions = true, description = {"Per-round overhead (seconds, bytes) of FedAvg with a real site process over loopback mutual TLS.",
        "Measured against the goal of 5% of the round's training time (the peer)."})
public final class FederateBenchCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "resnet18", description = "Network (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--size", defaultValue = "96", description = "Input side (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", defaultValue = "50", description = "Local training steps per round (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--rounds", defaultValue = "3", description = "Timed rounds, after one warm-up (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--threads", description = "Training threads of the site (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        var result = new FederationBench(model, size, batch, steps, rounds, t).run(System.err);
        System.out.println(Json.pretty(result));
        return 0;
    }
}
