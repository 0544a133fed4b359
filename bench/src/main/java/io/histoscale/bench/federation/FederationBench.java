package io.histoscale.bench.federation;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.bench.Peers;
import io.histoscale.core.Json;
import io.histoscale.dataset.SlideEntry;
import io.histoscale.dataset.store.PatchMeta;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.dataset.store.PatchStoreSpec;
import io.histoscale.dataset.store.PatchStoreWriter;
import io.histoscale.dataset.store.SlideBatch;
import io.histoscale.federation.ModelShapes;
import io.histoscale.federation.Plan;
import io.histoscale.federation.SiteProcesses;
import io.histoscale.federation.coordinator.Coordinator;
import io.histoscale.federation.pki.Pki;
import io.histoscale.federation.site.SiteMain;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What federation costs per round: a coordinator and one real site process over loopback mutual TLS run FedAvg
 * rounds of a fixed number of local training steps; a round's overhead is its wall time minus the site's training
 * time (sending the model both ways in checksummed chunks, auditing, importing and exporting weights, averaging).
 * The peer, measured in the same run, is the budget the goal allows: 5 % of the round's training time; the ratio is
 * budget ÷ overhead, so above 1 meets the goal.
 */
public final class FederationBench {

    private final String model;
    private final int inputSize;
    private final int batchSize;
    private final int steps;
    private final int rounds;
    private final int threads;

    public FederationBench(String model, int inputSize, int batchSize, int steps, int rounds, int threads) {
        this.model = model;
        this.inputSize = inputSize;
        this.batchSize = batchSize;
        this.steps = steps;
        this.rounds = rounds;
        this.threads = threads;
    }

    /** Runs the benchmark; the first round (warm-up) is not counted. */
    public Map<String, Object> run(PrintStream progress) {
        Path dir;
        try {
            dir = Files.createTempDirectory("histoscale-bench-federate");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path store = dir.resolve("patches");
            writeStore(store, steps * batchSize, inputSize);
            Pki pki = Pki.init(dir.resolve("pki"), "bench-ca");
            pki.issue("coordinator", Pki.Role.COORDINATOR, List.of("127.0.0.1"));
            pki.issue("site", Pki.Role.SITE, List.of()); // no peer hand-offs: a client certificate only
            Plan plan = new Plan();
            plan.strategy = "fedavg";
            plan.sites = List.of("site");
            plan.strategySettings().put("rounds", rounds + 1);
            plan.strategySettings().put("local_epochs", 1);
            plan.model.architecture = model;
            plan.model.inputSize = inputSize;
            plan.training.put("batch_size", batchSize);
            plan.pki = dir.resolve("pki").toString();
            plan.out = dir.resolve("run").toString();
            plan.check("bench");
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            try (Coordinator coordinator = Coordinator.start(plan, Path.of("/"), Device.cpu(), threads,
                    new PrintStream(log, true)); SiteProcesses sites = new SiteProcesses()) {
                sites.start(new SiteMain.Options(store, "site", "127.0.0.1:" + coordinator.port(),
                        dir.resolve("pki"), null, 0, 7, threads, "cpu", 1, "127.0.0.1", -1, dir.resolve("site"), 120));
                progress.printf("bench federate: %s, %d rounds of %d steps (batch %d, %d px) over loopback mTLS%n",
                        model, rounds + 1, steps, batchSize, inputSize);
                coordinator.run(false);
                sites.await(60);
            }
            List<JsonNode> lines = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("run").resolve(Coordinator.ROUNDS))) {
                lines.add(Json.MAPPER.readTree(line));
            }
            List<JsonNode> timed = lines.subList(1, lines.size());
            double[] roundSeconds = timed.stream().mapToDouble(l -> l.path("seconds").asDouble()).toArray();
            double[] trainSeconds = timed.stream()
                    .mapToDouble(l -> l.path("results").get(0).path("train_seconds").asDouble()).toArray();
            double[] overhead = new double[roundSeconds.length];
            for (int i = 0; i < overhead.length; i++) {
                overhead[i] = roundSeconds[i] - trainSeconds[i];
            }
            double ours = Peers.median(overhead);
            double train = Peers.median(trainSeconds);
            double budget = 0.05 * train;
            long bytes = timed.get(0).path("bytes").asLong();
            AuditShapes shapes = new AuditShapes(ModelShapes.sizes(plan.model.id()));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("benchmark", "federate");
            result.put("ours", round(ours));
            result.put("peer", round(budget));
            result.put("unit", "seconds of overhead per FedAvg round (peer: the 5% goal, 0.05 x the round's training time)");
            result.put("ratio", round(budget / ours));
            result.put("overhead_share", round(ours / train));
            result.put("goal_share", 0.05);
            result.put("train_seconds_per_round", round(train));
            result.put("round_seconds", round(Peers.median(roundSeconds)));
            result.put("bytes_per_round", bytes);
            result.put("model_floats", shapes.floats());
            result.put("model", model);
            result.put("local_steps", steps);
            result.put("batch", batchSize);
            result.put("input", inputSize);
            result.put("rounds_timed", timed.size());
            result.put("overhead_seconds_each_round", Arrays.stream(overhead).map(FederationBench::round).toArray());
            result.put("transport", "gRPC " + io.grpc.Grpc.class.getPackage().getImplementationVersion()
                    + " over loopback mutual TLS, 1 MiB chunks with SHA-256, site audit log on");
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Peers.deleteTree(dir);
        }
    }

    private record AuditShapes(io.histoscale.federation.audit.AuditCheck.BufferSizes sizes) {
        long floats() {
            return sizes.parameters() + sizes.statistics();
        }
    }

    /** Random-texture patches, half labelled tumour: only their count and size matter for timing. */
    private static void writeStore(Path dir, int patches, int size) {
        PatchStoreSpec spec = PatchStoreSpec.builder().patchSize(size).labels("normal", "tumour").build();
        SplittableRandom random = new SplittableRandom(1);
        try (PatchStoreWriter writer = PatchStore.create(dir, spec);
             SlideBatch batch = writer.beginSlide(SlideEntry.of("bench"))) {
            byte[] pixels = new byte[size * size * 3];
            for (int i = 0; i < patches; i++) {
                for (int p = 0; p < pixels.length; p++) {
                    pixels[p] = (byte) (150 + random.nextInt(100));
                }
                batch.add(pixels, new PatchMeta(i % 2, 0, i, 0, Float.NaN));
            }
            batch.commit();
        }
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
