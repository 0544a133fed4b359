package io.histoscale.federation;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Json;
import io.histoscale.dataset.GroupBy;
import io.histoscale.dataset.PatchSource;
import io.histoscale.dataset.PositiveClass;
import io.histoscale.federation.coordinator.Coordinator;
import io.histoscale.federation.pki.Pki;
import io.histoscale.federation.site.SiteMain;
import io.histoscale.federation.strategy.Strategies;
import io.histoscale.train.DataSources;
import io.histoscale.train.TrainConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs every strategy on the same split, as Chang et al. (2018) compared them: the patches are spread over simulated
 * sites (separate site processes on this machine, talking mutual TLS with a coordinator), a held-out test set is kept
 * aside, and each strategy's final model is scored on it. Equal training budgets: centrally hosted trains
 * {@code epochs} epochs over all sites' patches; FedAvg and FedProx {@code epochs} rounds of one local epoch; cyclical
 * transfer {@code epochs} cycles of one epoch per hop; single transfer and the ensemble up to {@code epochs} epochs
 * per site with early stopping. A cosine learning-rate schedule anneals each over that budget.
 *
 * <p>Writes {@code compare.json} and {@code compare.md} (the table), the partition, and each strategy's run folder.
 */
public final class Compare {

    /**
     * @param maxPatchesPerSite at most this many patches per site (a stratified random subset), 0 for all
     * @param maxTestPatches    at most this many test patches, 0 for all
     * @param template          the network ({@code model}), training settings ({@code training}) and fault policy
     *                          every strategy's plan copies
     * @param epochs            the training budget every strategy gets, in epochs over all sites' data
     * @param strategyOptions   settings offered to every strategy ({@code patience}, {@code mu}); each takes those
     *                          that apply ({@link io.histoscale.federation.strategy.StrategyFactory#forBudget})
     */
    public record Options(Path data, int sites, GroupBy groupBy, double testFraction, Partition.Skew skew,
                          boolean testWithinSites, int maxPatchesPerSite, int maxTestPatches, long seed,
                          Plan template, double epochs, Map<String, Object> strategyOptions, List<String> strategies,
                          boolean peerToPeer, Path out, int threads) {
    }

    /** The strategies compared when none are named: every registered one. */
    public static List<String> strategies() {
        return Strategies.names();
    }

    /** One line of the table. */
    public record Row(String strategy, Double auc, Double accuracy, long testPatches, long bytes, double wallSeconds,
                      int rounds, List<String> skipped) {
    }

    private Compare() {
    }

    /**
     * Runs the comparison {@code repeats} times with seeds {@code seed, seed + 1, ...} (a new split and new training
     * randomness each time, in {@code out/seed-N}), and writes the table of means and standard deviations.
     */
    public static List<Summary> run(Options o, int repeats, PrintStream log) {
        if (repeats <= 1) {
            return run(o, log).stream().map(r -> Summary.of(List.of(r))).toList();
        }
        Map<String, List<Row>> byStrategy = new LinkedHashMap<>();
        List<Object> runs = new ArrayList<>();
        for (int k = 0; k < repeats; k++) {
            long seed = o.seed() + k;
            Options one = new Options(o.data(), o.sites(), o.groupBy(), o.testFraction(), o.skew(),
                    o.testWithinSites(), o.maxPatchesPerSite(), o.maxTestPatches(), seed, withSeed(o.template(), seed),
                    o.epochs(), o.strategyOptions(), o.strategies(), o.peerToPeer(), o.out().resolve("seed-" + seed),
                    o.threads());
            List<Row> rows = run(one, log);
            rows.forEach(r -> byStrategy.computeIfAbsent(r.strategy(), x -> new ArrayList<>()).add(r));
            runs.add(Map.of("seed", seed, "rows", rows));
        }
        List<Summary> summaries = byStrategy.values().stream().map(Summary::of).toList();
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%n| strategy | test AUC (mean ± sd) | "
                + "test accuracy (mean ± sd) | bytes sent | wall time (s) | rounds |%n|---|---|---|---|---|---|%n"));
        for (Summary s : summaries) {
            md.append(String.format(Locale.ROOT, "| %s | %.3f ± %.3f | %.3f ± %.3f | %s | %.1f | %d |%n",
                    s.strategy() + (s.strategy().equals("cyclical") && o.peerToPeer() ? " (p2p)" : ""), s.auc(),
                    s.aucSd(), s.accuracy(), s.accuracySd(), bytes((long) s.bytes()), s.wallSeconds(), s.rounds()));
        }
        md.append(String.format(Locale.ROOT, "%n%d repeats (seeds %d..%d: split and training), %d sites, %s, input "
                        + "%d px, budget %.0f epochs, %s lr %s (%s); per-seed tables in seed-N/compare.md%n",
                repeats, o.seed(), o.seed() + repeats - 1, o.sites(), o.template().model.architecture,
                o.template().model.inputSize, o.epochs(), training(o).optimizer().id(), training(o).learningRate(),
                training(o).schedule().id()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("repeats", repeats);
        json.put("summary", summaries);
        json.put("runs", runs);
        try {
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(o.out().resolve("compare.json").toFile(), json);
            Files.writeString(o.out().resolve("compare.md"), md.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log.print(md);
        return summaries;
    }

    /** Mean and standard deviation over repeats of one strategy's rows. */
    public record Summary(String strategy, int repeats, double auc, double aucSd, double accuracy, double accuracySd,
                          double bytes, double wallSeconds, int rounds) {
        static Summary of(List<Row> rows) {
            double[] auc = rows.stream().mapToDouble(r -> r.auc() == null ? Double.NaN : r.auc()).toArray();
            double[] acc = rows.stream().mapToDouble(r -> r.accuracy() == null ? Double.NaN : r.accuracy()).toArray();
            return new Summary(rows.get(0).strategy(), rows.size(), mean(auc), sd(auc), mean(acc), sd(acc),
                    rows.stream().mapToDouble(Row::bytes).average().orElse(0),
                    rows.stream().mapToDouble(Row::wallSeconds).average().orElse(0), rows.get(0).rounds());
        }

        private static double mean(double[] v) {
            return java.util.Arrays.stream(v).average().orElse(Double.NaN);
        }

        private static double sd(double[] v) {
            if (v.length < 2) {
                return 0;
            }
            double m = mean(v);
            return Math.sqrt(java.util.Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1));
        }
    }

    /** The template with training seed {@code seed}. */
    private static Plan withSeed(Plan template, long seed) {
        Plan p = copy(template);
        p.training.put("seed", seed);
        return p;
    }

    private static Plan copy(Plan template) {
        Plan p = new Plan();
        p.model = template.model;
        p.training = new LinkedHashMap<>(template.training);
        p.faults = template.faults;
        return p;
    }

    private static TrainConfig training(Options o) {
        return o.template().trainConfig();
    }

    public static List<Row> run(Options o, PrintStream log) {
        Path out = o.out().toAbsolutePath();
        Path partitionDir = out.resolve("partition");
        List<String> siteNames = new ArrayList<>();
        for (int i = 1; i <= o.sites(); i++) {
            siteNames.add("hospital-" + (char) ('a' + i - 1));
        }
        Map<String, Object> description = new LinkedHashMap<>();
        try {
            Files.createDirectories(partitionDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Partition partition;
        try (DataSources.Opened opened = DataSources.open(o.data(), 0)) {
            PatchSource source = opened.source();
            partition = Partition.of(source, training(o).positiveClass(), o.sites(), o.groupBy(), o.testFraction(),
                    o.skew(), o.testWithinSites(), o.seed());
            List<long[]> sites = new ArrayList<>();
            for (int i = 0; i < o.sites(); i++) {
                long[] mine = limit(source, partition.sites().get(i), o.maxPatchesPerSite(), o.seed() + i);
                sites.add(mine);
                TestData.writeIndices(partitionDir.resolve(siteNames.get(i) + ".txt"), mine);
                description.put(siteNames.get(i), Map.of("groups", partition.groups().get(i), "patches", mine.length,
                        "tumour", count(source, mine, training(o))));
            }
            long[] pooled = sites.stream().flatMapToLong(java.util.stream.LongStream::of).sorted().toArray();
            TestData.writeIndices(partitionDir.resolve("central.txt"), pooled);
            long[] test = limit(source, partition.test(), o.maxTestPatches(), o.seed() - 1);
            TestData.writeIndices(partitionDir.resolve("test.txt"), test);
            description.put("test", Map.of("patches", test.length, "tumour", count(source, test, training(o))));
            description.put("data", o.data().toAbsolutePath().toString());
            description.put("split", o.groupBy().name().toLowerCase(Locale.ROOT) + (o.testWithinSites()
                    ? ", test held out within each site" : ", test groups held out"));
            description.put("skew", o.skew().name().toLowerCase(Locale.ROOT));
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(partitionDir.resolve("partition.json").toFile(), description);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log.println("partition: " + description);
        Path pkiDir = out.resolve("pki");
        if (!Files.exists(pkiDir.resolve("ca.crt"))) {
            Pki pki = Pki.init(pkiDir, "histoscale-compare-ca");
            List<String> local = List.of("127.0.0.1"); // sites serve peer-to-peer hand-offs there too
            pki.issue("coordinator", Pki.Role.COORDINATOR, local);
            pki.issue("central", Pki.Role.SITE, local);
            siteNames.forEach(s -> pki.issue(s, Pki.Role.SITE, local));
        }
        List<Row> rows = new ArrayList<>();
        for (String strategy : o.strategies()) {
            Strategies.factory(strategy);
        }
        List<String> federated = o.strategies().stream().filter(s -> !s.equals("central")).toList();
        if (o.strategies().contains("central")) {
            try (SiteProcesses central = new SiteProcesses()) {
                int port = freePort();
                Plan plan = plan(o, "central", List.of("central"), port, out);
                central.start(siteOptions(o, "central", partitionDir.resolve("central.txt"), port,
                        out.resolve("sites").resolve("central")));
                rows.add(row(runOne(plan, o, log, true)));
                central.await(60);
            }
        }
        if (!federated.isEmpty()) {
            int port = freePort();
            try (SiteProcesses sites = new SiteProcesses()) {
                for (String s : siteNames) {
                    sites.start(siteOptions(o, s, partitionDir.resolve(s + ".txt"), port,
                            out.resolve("sites").resolve(s)));
                }
                for (int i = 0; i < federated.size(); i++) {
                    Plan plan = plan(o, federated.get(i), siteNames, port, out);
                    rows.add(row(runOne(plan, o, log, i == federated.size() - 1)));
                }
                sites.await(60);
            }
        }
        write(out, rows, description, o);
        log.print(markdown(rows, description, o));
        return rows;
    }

    private static Coordinator.Summary runOne(Plan plan, Options o, PrintStream log, boolean stopSites) {
        boolean p2p = Boolean.TRUE.equals(plan.strategySettings().get("peer_to_peer"));
        log.printf(Locale.ROOT, "== %s%n", plan.strategy + (p2p ? " (peer-to-peer)" : ""));
        try (Coordinator coordinator = Coordinator.start(plan, Path.of("/"), Device.cpu(), o.threads(), log)) {
            return coordinator.run(false, stopSites);
        }
    }

    private static Plan plan(Options o, String strategy, List<String> sites, int port, Path out) {
        Plan plan = copy(o.template());
        plan.strategy = strategy;
        plan.sites = new ArrayList<>(sites);
        Map<String, Object> offered = new LinkedHashMap<>(o.strategyOptions());
        offered.put("peer_to_peer", o.peerToPeer());
        plan.strategySettings().putAll(Strategies.factory(strategy).forBudget(o.epochs(), offered));
        plan.listen = "127.0.0.1:" + port;
        plan.pki = out.resolve("pki").toString();
        plan.name = "coordinator";
        plan.out = out.resolve("runs").resolve(strategy).toString();
        plan.test = new Plan.Test();
        plan.test.data = o.data().toAbsolutePath().toString();
        plan.test.indices = out.resolve("partition").resolve("test.txt").toString();
        plan.check("compare");
        try {
            Files.createDirectories(Path.of(plan.out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        plan.write(Path.of(plan.out).resolve("plan.yaml"));
        return plan;
    }

    private static SiteMain.Options siteOptions(Options o, String name, Path indices, int port, Path dir) {
        return new SiteMain.Options(o.data().toAbsolutePath(), name, "127.0.0.1:" + port,
                o.out().toAbsolutePath().resolve("pki"), indices, 0.2, o.seed(), o.threads(), "cpu", 1, "127.0.0.1",
                0, dir, 600);
    }

    private static Row row(Coordinator.Summary s) {
        JsonNode t = s.test();
        return new Row(s.strategy(), t != null && t.has("auc") ? t.get("auc").asDouble() : null,
                t != null && t.has("accuracy") ? t.get("accuracy").asDouble() : null,
                t == null ? 0 : t.path("count").asLong(), s.bytesTotal(), s.wallSeconds(), s.rounds(), s.skipped());
    }

    private static void write(Path out, List<Row> rows, Map<String, Object> description, Options o) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("partition", description);
        json.put("model", o.template().model);
        json.put("training", training(o).toMap());
        json.put("epochs", o.epochs());
        json.put("rows", rows);
        try {
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.resolve("compare.json").toFile(), json);
            Files.writeString(out.resolve("compare.md"), markdown(rows, description, o));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The table, Chang 2018 style. */
    public static String markdown(List<Row> rows, Map<String, Object> description, Options o) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%n| strategy | test AUC | test accuracy | bytes sent | wall time (s) "
                + "| rounds |%n|---|---|---|---|---|---|%n"));
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.1f | %d |%n",
                    r.strategy() + (r.strategy().equals("cyclical") && o.peerToPeer() ? " (p2p)" : ""),
                    r.auc() == null ? "-" : String.format(Locale.ROOT, "%.3f", r.auc()),
                    r.accuracy() == null ? "-" : String.format(Locale.ROOT, "%.3f", r.accuracy()),
                    bytes(r.bytes()), r.wallSeconds(), r.rounds()));
        }
        md.append(String.format(Locale.ROOT, "%n%d sites (%s, skew %s); %s test patches; %s, input %d px; "
                        + "budget %.0f epochs; %s lr %s (%s), batch %d%n", o.sites(), description.get("split"),
                description.get("skew"), ((Map<?, ?>) description.get("test")).get("patches"),
                o.template().model.architecture, o.template().model.inputSize, o.epochs(),
                training(o).optimizer().id(), training(o).learningRate(), training(o).schedule().id(),
                training(o).batchSize()));
        return md.toString();
    }

    private static String bytes(long b) {
        return b >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0)
                : String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    }

    /** A stratified random subset of at most {@code max} patches (all when 0 or fewer). */
    static long[] limit(PatchSource source, long[] patches, int max, long seed) {
        if (max <= 0 || patches.length <= max) {
            return patches;
        }
        return Partition.holdOut(source, patches, max / (double) patches.length, seed)[1];
    }

    private static long count(PatchSource source, long[] patches, TrainConfig training) {
        int positive = PositiveClass.of(training.positiveClass(), source.labelNames()).index();
        return java.util.Arrays.stream(patches).filter(i -> source.label(i) == positive).count();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
