package io.histoscale.federation;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Json;
import io.histoscale.federation.audit.AuditCheck;
import io.histoscale.federation.coordinator.Coordinator;
import io.histoscale.federation.site.SiteMain;
import io.histoscale.testkit.SyntheticPatches;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three real site processes on 127.0.0.1, each holding two of six slides, serve a series of coordinators over mutual
 * TLS (they reconnect to the next one on the same port): every strategy completes, a coordinator restarts from its
 * checkpoint, and every site's audit log shows nothing but parameter buffers and small aggregate messages left it.
 */
@Tag("federation")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FederationIntegrationTest {

    static final List<String> SITES = List.of("site-a", "site-b", "site-c");

    @TempDir
    static Path dir;
    static Path store;
    static Path pki;
    static int port;
    static SiteProcesses processes;
    static final Map<String, Process> running = new HashMap<>();

    @BeforeAll
    static void startSites() throws IOException {
        store = SyntheticPatches.builder().slides(6).perSlide(24).size(24).seed(3).tumourEvery(2)
                .write(dir.resolve("patches"));
        pki = Fixtures.pki(dir.resolve("pki"), SITES);
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        // site i holds slides 2i and 2i+1 (24 patches each, half tumour); the coordinator tests on all of them
        processes = new SiteProcesses();
        for (int i = 0; i < SITES.size(); i++) {
            Path indices = dir.resolve(SITES.get(i) + ".txt");
            long[] mine = new long[48];
            for (int k = 0; k < 48; k++) {
                mine[k] = 48L * i + k;
            }
            TestData.writeIndices(indices, mine);
            start(SITES.get(i));
        }
    }

    static void start(String site) {
        running.put(site, processes.start(new SiteMain.Options(store, site, "127.0.0.1:" + port, pki,
                dir.resolve(site + ".txt"), 0.25, 7, 1, "cpu", 1, "127.0.0.1", 0, dir.resolve(site), 300)));
    }

    @AfterAll
    static void stopSites() {
        if (processes != null) {
            processes.close();
        }
    }

    static Plan plan(String strategy, String out) {
        return Fixtures.plan(strategy, dir.resolve(out), pki, port, store, SITES);
    }

    static Coordinator.Summary run(Plan plan, boolean resume) {
        return run(plan, resume, round -> { });
    }

    static Coordinator.Summary run(Plan plan, boolean resume, IntConsumer afterRound) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Coordinator coordinator = Coordinator.start(plan, Path.of("."), Device.cpu(), 1,
                new PrintStream(log, true))) {
            coordinator.onRoundEnd(afterRound);
            return coordinator.run(resume, false);
        } finally {
            System.out.print(log);
        }
    }

    static List<JsonNode> rounds(Plan plan) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(plan.out).resolve(Coordinator.ROUNDS))) {
            lines.add(Json.MAPPER.readTree(line));
        }
        return lines;
    }

    @Test
    @Order(1)
    void fedAvgAveragesAllThreeSitesEveryRound() throws IOException {
        Plan plan = plan("fedavg", "fedavg");
        Coordinator.Summary summary = run(plan, false);
        assertThat(summary.rounds()).isEqualTo(3);
        assertThat(summary.skipped()).isEmpty();
        for (JsonNode round : rounds(plan)) {
            assertThat(round.path("results")).hasSize(3);
        }
        assertThat(summary.test().path("auc").asDouble()).isGreaterThan(0.8);
        // each round sends the model to 3 sites and gets 3 back: 6 model copies of small/2/24, plus small messages
        AuditCheck.BufferSizes sizes = ModelShapes.sizes(plan.model.id());
        long perCopy = 4 * (sizes.parameters() + sizes.statistics());
        assertThat(summary.bytesTotal()).isBetween(18 * perCopy, 18 * perCopy + 200_000);
    }

    @Test
    @Order(2)
    void fedProxCompletesAndItsProximalTermChangesTheWeights() {
        Plan plan = plan("fedprox", "fedprox");
        Coordinator.Summary summary = run(plan, false);
        assertThat(summary.rounds()).isEqualTo(3);
        assertThat(summary.test().path("auc").asDouble()).isGreaterThan(0.8);
        // same sites, seeds and start as the FedAvg run: only mu (w - w_global) in the gradients differs
        java.nio.FloatBuffer prox = io.histoscale.train.checkpoint.Checkpoint.read(Path.of(plan.out)
                .resolve(Coordinator.CHECKPOINT)).section("model-0-parameters");
        java.nio.FloatBuffer avg = io.histoscale.train.checkpoint.Checkpoint.read(dir.resolve("fedavg")
                .resolve(Coordinator.CHECKPOINT)).section("model-0-parameters");
        double diff = 0;
        for (int i = 0; i < prox.remaining(); i++) {
            diff = Math.max(diff, Math.abs(prox.get(i) - avg.get(i)));
        }
        assertThat(diff).isGreaterThan(1e-4);
    }

    @Test
    @Order(3)
    void cyclicalVisitsTheSitesInOrder() throws IOException {
        Plan plan = plan("cyclical", "cyclical");
        Coordinator.Summary summary = run(plan, false);
        assertThat(summary.rounds()).isEqualTo(6);
        assertThat(rounds(plan).stream().map(r -> r.path("results").get(0).path("site").asText()).toList())
                .containsExactly("site-a", "site-b", "site-c", "site-a", "site-b", "site-c");
        assertThat(summary.peerBytes()).isZero();
    }

    @Test
    @Order(4)
    void peerToPeerCyclicalSendsWeightsSiteToSite() throws IOException {
        Plan plan = plan("cyclical", "p2p");
        plan.strategySettings().put("peer_to_peer", true);
        Coordinator.Summary summary = run(plan, false);
        assertThat(summary.rounds()).isEqualTo(6);
        List<JsonNode> rounds = rounds(plan);
        for (int r = 0; r < 5; r++) {
            assertThat(rounds.get(r).path("results").get(0).path("handed_to").asText())
                    .isEqualTo(SITES.get((r + 1) % 3));
        }
        AuditCheck.BufferSizes sizes = ModelShapes.sizes(plan.model.id());
        long perCopy = 4 * (sizes.parameters() + sizes.statistics());
        // five hops went site to site; the coordinator sent the first and received the last model only
        assertThat(summary.peerBytes()).isBetween(5 * perCopy, 5 * perCopy + 50_000);
        assertThat(summary.bytesToSites()).isBetween(perCopy, perCopy + 50_000);
        assertThat(summary.bytesFromSites()).isBetween(perCopy, perCopy + 50_000);
        assertThat(summary.test().path("auc").asDouble()).isGreaterThan(0.7);
    }

    @Test
    @Order(5)
    void singleTransferAndEnsembleAndCentralComplete() {
        Coordinator.Summary single = run(plan("single", "single"), false);
        assertThat(single.rounds()).isEqualTo(3);
        Coordinator.Summary ensemble = run(plan("ensemble", "ensemble"), false);
        assertThat(ensemble.rounds()).isEqualTo(1);
        assertThat(ensemble.test().path("count").asLong()).isEqualTo(144);
        Plan central = plan("central", "central");
        central.sites = new ArrayList<>(List.of("site-a"));
        // the other sites are not of this plan: refused, they stop, and are started again for the next plans
        Coordinator.Summary c = run(central, false, round -> List.of("site-b", "site-c")
                .forEach(s -> Fixtures.awaitRefused(running.get(s), dir.resolve(s))));
        start("site-b");
        start("site-c");
        assertThat(c.rounds()).isEqualTo(1);
        assertThat(c.test().path("auc").asDouble()).isGreaterThan(0.7);
    }

    @Test
    @Order(5)
    void aStrategyRegisteredOnlyInTheTestSourcesRunsOverTheRealSites() {
        // MedianOfSites: one file in src/test and one line in META-INF/services; nothing in the main code names it
        Coordinator.Summary median = run(plan("median", "median"), false);
        assertThat(median.strategy()).isEqualTo("median");
        assertThat(median.rounds()).isEqualTo(2);
        assertThat(median.skipped()).isEmpty();
        assertThat(median.test().path("auc").asDouble()).isGreaterThan(0.7);
    }

    @Test
    @Order(6)
    void aRestartedCoordinatorResumesFromItsLastRound() throws IOException {
        Plan plan = plan("fedavg", "restart");
        plan.strategySettings().put("rounds", 2);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Coordinator first = Coordinator.start(plan, Path.of("."), Device.cpu(), 1, new PrintStream(log, true))) {
            first.onRoundEnd(round -> {
                throw new IllegalStateException("coordinator killed after round " + round);
            });
            first.run(false, false);
        } catch (IllegalStateException e) {
            assertThat(e).hasMessageContaining("after round 1");
        }
        assertThat(rounds(plan)).hasSize(1);
        plan.strategySettings().put("rounds", 3);
        Coordinator.Summary summary = run(plan, true);
        assertThat(summary.rounds()).isEqualTo(3);
        assertThat(rounds(plan).stream().map(r -> r.path("round").asInt()).toList()).containsExactly(1, 2, 3);
    }

    @Test
    @Order(7)
    void auditsShowOnlyParameterBuffersAndAggregatesLeftTheSites() {
        for (String s : SITES) {
            AuditCheck.Report report = AuditCheck.verify(dir.resolve(s).resolve("audit.jsonl"), ModelShapes::sizes);
            assertThat(report.problems()).isEmpty();
            assertThat(report.byType()).containsKeys("hello", "parameter_chunk", "result", "handoff_chunk");
            assertThat(report.transfers()).isGreaterThan(10);
        }
    }
}
