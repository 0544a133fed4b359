package io.histoscale.cli.federation;

import ai.djl.Device;
import io.histoscale.cli.ConfigFlags;
import io.histoscale.core.UserException;
import io.histoscale.dataset.GroupBy;
import io.histoscale.federation.Compare;
import io.histoscale.federation.ModelShapes;
import io.histoscale.federation.Partition;
import io.histoscale.federation.Plan;
import io.histoscale.federation.audit.AuditCheck;
import io.histoscale.federation.coordinator.Coordinator;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.TorchEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code histoscale federate}: coordinate a plan; compare strategies; audit a site's log. */
@Command(name = "federate", mixinStandardHelpOptions = true, description = {"Coordinate federated training from a plan (YAML); sites join with histoscale site.",
        "Subcommands: compare (all strategies on one split), audit (prove no pixels left a site)."},
        subcommands = {FederateCommand.CompareCommand.class, FederateCommand.AuditCommand.class})
public final class FederateCommand implements Callable<Integer> {

    @Option(names = "--plan", description = "The plan (YAML): strategy, sites, rounds, model, pki, out, ...")
    Path plan;

    @Option(names = "--resume", description = "Continue from the last checkpointed round in the plan's out folder.")
    boolean resume;

    @Option(names = "--threads", defaultValue = "1", description = "Threads for evaluating on test patches (default ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() {
        if (plan == null) {
            throw new UserException("give --plan plan.yaml, or a subcommand: compare, audit");
        }
        Plan p = Plan.read(plan);
        Path base = plan.toAbsolutePath().getParent();
        try (Coordinator coordinator = Coordinator.start(p, base, Device.cpu(), threads, System.out)) {
            System.out.println("coordinator: listening on port " + coordinator.port() + " for " + p.sites);
            Coordinator.Summary s = coordinator.run(resume);
            System.out.println("result: " + base.resolve(p.out).resolve(Coordinator.RESULT) + " (" + s.rounds()
                    + " rounds, " + s.bytesTotal() + " bytes)");
        }
        return 0;
    }

    @Command(name = "compare", mixinStandardHelpOptions = true, defaultValueProvider = ConfigFlags.TrainDefaults.class,
            description = {"Run every strategy on the same split over simulated sites and print a table.",
            "Sites are separate processes speaking mutual TLS; the table gives test AUC/accuracy, bytes, wall time and",
            "rounds. Saves compare.json and compare.md."})
    static final class CompareCommand implements Callable<Integer> {
        @Option(names = "--data", required = true, description = "Patch store or image folder.")
        Path data;

        @Option(names = "--sites", defaultValue = "3", description = "Number of sites (default ${DEFAULT-VALUE}).")
        int sites;

        @Option(names = "--split", defaultValue = "patient", description = "Group sites by patient, slide or centre (default ${DEFAULT-VALUE}).")
        GroupBy split;

        @Option(names = "--skew", defaultValue = "none", description = "Non-IID sites: none, label or size (default ${DEFAULT-VALUE}).")
        Partition.Skew skew;

        @Option(names = "--test-fraction", defaultValue = "0.2", description = "Share held out for testing (default ${DEFAULT-VALUE}).")
        double testFraction;

        @Option(names = "--test-within-sites", description = "Hold the test share out of every site's patches, not as whole groups (few groups).")
        boolean testWithinSites;

        @Option(names = "--max-patches", defaultValue = "0", description = "At most this many patches per site (0: all).")
        int maxPatches;

        @Option(names = "--max-test", defaultValue = "0", description = "At most this many test patches (0: all).")
        int maxTest;

        @Option(names = "--strategies", split = ",", description = "Which registered strategies (default: all).")
        List<String> strategies = new ArrayList<>(Compare.strategies());

        @Option(names = "--peer-to-peer", description = "Run cyclical transfer peer-to-peer.")
        boolean peerToPeer;

        @Option(names = "--model", defaultValue = "small", description = "Network (default ${DEFAULT-VALUE}).")
        String model;

        @Option(names = "--size", defaultValue = "64", description = "Input side in pixels (default ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--downsample", defaultValue = "1", description = "Shrink patches by this factor first (default ${DEFAULT-VALUE}).")
        int downsample;

        @Option(names = "--epochs", defaultValue = "5", description = "Training budget in epochs (default ${DEFAULT-VALUE}).")
        double epochs;

        @Option(names = "--patience", defaultValue = "2", description = "Early stopping for single transfer and ensemble (default ${DEFAULT-VALUE}).")
        int patience;

        @Option(names = "--mu", defaultValue = "0.01", description = "FedProx proximal weight (default ${DEFAULT-VALUE}).")
        double mu;

        @Option(names = "--batch", description = "Batch size (default ${DEFAULT-VALUE}, as histoscale train).")
        int batch;

        @Option(names = "--lr", description = "Peak learning rate (default ${DEFAULT-VALUE}, as histoscale train).")
        double lr;

        @Option(names = {"--schedule", "--lr-schedule"}, description = "cosine, step or constant, over each strategy's whole budget (central's epochs, cyclical's hops, FedAvg's rounds, each site model's epochs) (default ${DEFAULT-VALUE}, as histoscale train).")
        String schedule;

        @Option(names = "--optimizer", description = "adam or sgd; its state starts afresh every task (default ${DEFAULT-VALUE}, as histoscale train).")
        String optimizer;

        @Option(names = "--seed", description = "Seed of split and training (default ${DEFAULT-VALUE}, as histoscale train).")
        int seed;

        @Option(names = "--threads", defaultValue = "1", description = "Threads per site process (default ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--repeats", defaultValue = "1", description = "Repeat with seeds seed, seed+1, ... and report mean ± sd (default ${DEFAULT-VALUE}).")
        int repeats;

        @Option(names = "--out", required = true, description = "Folder for the partition, PKI, runs and table.")
        Path out;

        @Override
        public Integer call() {
            Plan template = new Plan();
            template.model.architecture = model;
            template.model.inputSize = size;
            template.model.downsample = downsample;
            template.training.put("batch_size", batch);
            template.training.put("learning_rate", lr);
            template.training.put("schedule", schedule);
            template.training.put("optimizer", optimizer);
            template.training.put("seed", seed);
            template.faults.joinTimeoutSeconds = 300;
            template.trainConfig(); // checks the settings before anything starts
            Compare.run(new Compare.Options(data, sites, split, testFraction, skew, testWithinSites, maxPatches,
                    maxTest, seed, template, epochs, Map.of("patience", patience, "mu", mu), strategies, peerToPeer,
                    out, threads), repeats, System.out);
            System.out.println("saved " + out.resolve("compare.json") + " and " + out.resolve("compare.md"));
            return 0;
        }
    }

    @Command(name = "audit", mixinStandardHelpOptions = true, description = {"Check site audit logs: an intact chain, and nothing sent but model weights and aggregates.",
            "Nothing may leave a site but parameter buffers of exactly the model's size and small aggregate messages,",
            "and only to the plan's coordinator and sites (without --plan: to one coordinator throughout).",
            "Exit 0 when clean, 1 otherwise."})
    static final class AuditCommand implements Callable<Integer> {
        @Parameters(arity = "1..*", description = "audit.jsonl file(s), or site folders holding one.")
        List<Path> logs;

        @Option(names = "--plan", description = "The plan the site took part in: its coordinator (name) and sites are the only receivers allowed.")
        Path plan;

        @Override
        public Integer call() {
            AuditCheck.Peers peers = null;
            if (plan != null) {
                Plan p = Plan.read(plan);
                peers = new AuditCheck.Peers(p.name, p.sites);
            }
            boolean clean = true;
            for (Path log : logs) {
                Path file = log.toFile().isDirectory() ? log.resolve("audit.jsonl") : log;
                AuditCheck.Report r = AuditCheck.verify(file, model -> {
                    // PyTorch builds the model named by a transfer, to count its parameters: only then is it started
                    TorchEngine.start(EngineSettings.defaults().withThreads(1));
                    return ModelShapes.sizes(model);
                }, peers);
                System.out.printf("%s: %d messages, %,d bytes, %d complete model transfers, by type %s, to %s: %s%n",
                        file, r.messages(), r.bytes(), r.transfers(), r.byType(), r.receivers(),
                        r.clean() ? "CLEAN (only parameter buffers of the model's exact size and aggregates < "
                                + AuditCheck.SMALL_BYTES + " B)" : r.problems().size() + " PROBLEM(S)");
                r.problems().stream().limit(20).forEach(p -> System.out.println("  problem: " + p));
                r.notes().forEach(n -> System.out.println("  note: " + n));
                clean &= r.clean();
            }
            return clean ? 0 : 1;
        }
    }
}
