package io.histoscale.federation.site;

import io.histoscale.core.UserException;
import io.histoscale.federation.Partition;
import io.histoscale.federation.TestData;
import io.histoscale.federation.pki.Pki;
import io.histoscale.federation.transport.Addresses;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.TorchEngine;
import io.histoscale.train.DataSources;
import io.histoscale.train.TrainConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one site: what {@code histoscale site} does, and the entry point of site processes started by
 * {@code federate compare}, the benchmark and the tests ({@code java -cp ... SiteMain --name ... --data ...}).
 */
public final class SiteMain {

    /**
     * A site's settings.
     *
     * @param data        patch store or image folder
     * @param indices     file of the patch indices this site holds (one a line), or null for all labelled patches
     * @param out         folder of the site's audit log ({@code audit.jsonl})
     * @param peerPort    port for peer-to-peer handoffs (0: any free one; negative: none)
     * @param coordinatorName the coordinator's certificate name: the site talks to nobody else at {@code coordinator}
     */
    public record Options(Path data, String name, String coordinator, Path pki, Path indices, double valFraction,
                          long seed, int threads, String device, int workers, String peerHost, int peerPort, Path out,
                          double reconnectSeconds, String coordinatorName) {

        /** Options for a coordinator named {@code coordinator}, the default. */
        public Options(Path data, String name, String coordinator, Path pki, Path indices, double valFraction,
                       long seed, int threads, String device, int workers, String peerHost, int peerPort, Path out,
                       double reconnectSeconds) {
            this(data, name, coordinator, pki, indices, valFraction, seed, threads, device, workers, peerHost, peerPort,
                    out, reconnectSeconds, Site.DEFAULT_COORDINATOR);
        }

        /** Command-line arguments that give these options to {@link #main}. */
        public List<String> toArgs() {
            List<String> args = new ArrayList<>(List.of("--data", data.toString(), "--name", name, "--coordinator",
                    coordinator, "--pki", pki.toString(), "--val-fraction", Double.toString(valFraction), "--seed",
                    Long.toString(seed), "--threads", Integer.toString(threads), "--device", device, "--workers",
                    Integer.toString(workers), "--peer-host", peerHost, "--peer-port", Integer.toString(peerPort),
                    "--out", out.toString(), "--reconnect-seconds", Double.toString(reconnectSeconds),
                    "--coordinator-name", coordinatorName));
            if (indices != null) {
                args.addAll(List.of("--indices", indices.toString()));
            }
            return args;
        }
    }

    private SiteMain() {
    }

    /**
     * Checks the addresses, opens the data, serves the coordinator until told to stop; returns the tasks done.
     *
     * @throws UserException for a bad address or port (before anything starts), and as {@link Site#run}
     */
    public static int run(Options o) {
        Addresses.split(o.coordinator(), "coordinator");
        if (o.peerPort() >= 0) {
            Addresses.listeningPort(o.peerPort(), "peer_port");
        }
        TorchEngine.start(new EngineSettings(o.threads(), 1, (int) o.seed()));
        Pki pki = Pki.open(o.pki());
        try (DataSources.Opened opened = DataSources.open(o.data(), 0)) {
            long[] patches = o.indices() == null ? TestData.labelled(opened.source())
                    : TestData.readIndices(o.indices(), opened.source().size());
            long[][] parts = Partition.holdOut(opened.source(), patches, o.valFraction(), o.seed());
            try (Site site = Site.builder().setName(o.name()).setPki(pki).setCoordinator(o.coordinator())
                    .setData(opened.source(), parts[0], parts[1]).setAuditLog(o.out().resolve("audit.jsonl"))
                    .optLocalSettings(local(o)).optPeer(o.peerHost(), o.peerPort())
                    .optReconnectSeconds(o.reconnectSeconds()).optCoordinatorName(o.coordinatorName()).build()) {
                return site.run();
            }
        }
    }

    /** The site's own training settings: its device, threads and loader workers. */
    static TrainConfig local(Options o) {
        return TrainConfig.DEFAULTS.toBuilder().optDevice(o.device()).optThreads(o.threads())
                .optWorkers(o.workers()).build();
    }

    public static void main(String[] args) {
        try {
            Map<String, String> a = parse(args);
            Options o = new Options(Path.of(need(a, "data")), need(a, "name"), need(a, "coordinator"),
                    Path.of(need(a, "pki")), a.containsKey("indices") ? Path.of(a.get("indices")) : null,
                    Double.parseDouble(a.getOrDefault("val-fraction", "0.2")),
                    Long.parseLong(a.getOrDefault("seed", "7")), Integer.parseInt(a.getOrDefault("threads", "1")),
                    a.getOrDefault("device", "cpu"), Integer.parseInt(a.getOrDefault("workers", "1")),
                    a.getOrDefault("peer-host", "127.0.0.1"), Integer.parseInt(a.getOrDefault("peer-port", "-1")),
                    Path.of(a.getOrDefault("out", "site-" + a.get("name"))),
                    Double.parseDouble(a.getOrDefault("reconnect-seconds", "120")),
                    a.getOrDefault("coordinator-name", Site.DEFAULT_COORDINATOR));
            run(o);
            System.exit(0);
        } catch (UserException e) {
            System.err.println("histoscale: error: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new UserException("expected --option value pairs, got " + args[i]);
            }
            map.put(args[i].substring(2), args[i + 1]);
        }
        return map;
    }

    private static String need(Map<String, String> args, String key) {
        String value = args.get(key);
        if (value == null) {
            throw new UserException("--" + key + " is required");
        }
        return value;
    }
}
