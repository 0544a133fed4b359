package io.histoscale.federation;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Json;
import io.histoscale.federation.coordinator.Coordinator;
import io.histoscale.federation.site.SiteMain;
import io.histoscale.testkit.SyntheticPatches;
import io.histoscale.train.checkpoint.Checkpoint;
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
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three site processes holding identical data: FedAvg over them equals training at one of them; a site killed
 * between rounds is skipped and re-weighted (policy skip) or waited for (policy wait), and rejoins when restarted.
 */
@Tag("federation")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIntegrationTest {

    static final List<String> SITES = List.of("site-a", "site-b", "site-c");

    @TempDir
    static Path dir;
    static Path store;
    static Path pki;
    static Path indices;
    static int port;
    static SiteProcesses processes;
    static final Map<String, Process> running = new HashMap<>();

    @BeforeAll
    static void startSites() throws IOException {
        store = SyntheticPatches.builder().slides(2).perSlide(24).size(24).seed(5).tumourEvery(2)
                .write(dir.resolve("patches"));
        pki = Fixtures.pki(dir.resolve("pki"), SITES);
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        processes = new SiteProcesses();
        SITES.forEach(FaultsIntegrationTest::start);
    }

    static void start(String site) {
        running.put(site, processes.start(new SiteMain.Options(store, site, "127.0.0.1:" + port, pki, null, 0.25, 7, 1,
                "cpu", 1, "127.0.0.1", -1, dir.resolve(site), 300)));
    }

    @AfterAll
    static void stopSites() {
        if (processes != null) {
            processes.close();
        }
    }

    static Plan plan(String out, List<String> sites) {
        Plan plan = Fixtures.plan("fedavg", dir.resolve(out), pki, port, store, sites);
        plan.strategySettings().put("rounds", 2);
        return plan;
    }

    static Coordinator.Summary run(Plan plan, java.util.function.BiConsumer<Coordinator, Integer> afterRound) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Coordinator coordinator = Coordinator.start(plan, Path.of("."), Device.cpu(), 1,
                new PrintStream(log, true))) {
            coordinator.onRoundEnd(round -> afterRound.accept(coordinator, round));
            return coordinator.run(false, false);
        } finally {
            System.out.print(log);
        }
    }

    static FloatBuffer weights(Plan plan) {
        return Checkpoint.read(Path.of(plan.out).resolve(Coordinator.CHECKPOINT)).section("model-0-parameters");
    }

    static List<Integer> answered(Plan plan) throws IOException {
        List<Integer> counts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(plan.out).resolve(Coordinator.ROUNDS))) {
            JsonNode round = Json.MAPPER.readTree(line);
            counts.add(round.path("results").size());
        }
        return counts;
    }

    @Test
    @Order(1)
    void fedAvgOfIdenticalSitesEqualsLocalTraining() {
        Plan federated = plan("identical", SITES);
        Coordinator.Summary summary = run(federated, (c, r) -> { });
        assertThat(summary.skipped()).isEmpty();
        Plan local = plan("local", List.of("site-a"));
        run(local, (c, r) -> {
            if (r == 1) { // the plan's only site is site-a: the others are refused and stop
                List.of("site-b", "site-c").forEach(s -> Fixtures.awaitRefused(running.get(s), dir.resolve(s)));
            }
        });
        start("site-b");
        start("site-c");
        FloatBuffer a = weights(federated);
        FloatBuffer b = weights(local);
        assertThat(a.remaining()).isEqualTo(b.remaining());
        double maxDiff = 0;
        double maxWeight = 0;
        for (int i = 0; i < a.remaining(); i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a.get(i) - b.get(i)));
            maxWeight = Math.max(maxWeight, Math.abs(b.get(i)));
        }
        assertThat(maxWeight).isGreaterThan(0.01);
        assertThat(maxDiff).isLessThan(1e-5);
        // and training moved the weights: they differ from the initial ones by far more than the tolerance
        assertThat(Checkpoint.read(Path.of(local.out).resolve(Coordinator.CHECKPOINT)).header().path("round").asInt())
                .isEqualTo(2);
    }

    @Test
    @Order(2)
    void aKilledSiteIsSkippedAndRejoinsWhenRestarted() throws IOException {
        Plan plan = plan("skip", SITES);
        plan.strategySettings().put("rounds", 3);
        plan.faults.policy = "skip";
        Coordinator.Summary summary = run(plan, (coordinator, round) -> {
            if (round == 1) {
                running.get("site-c").destroyForcibly();
                awaitConnected(coordinator, false);
            } else if (round == 2) {
                start("site-c");
                awaitConnected(coordinator, true);
            }
        });
        assertThat(answered(plan)).containsExactly(3, 2, 3);
        assertThat(summary.skipped()).containsExactly("round 2: site-c");
        assertThat(summary.rounds()).isEqualTo(3);
    }

    @Test
    @Order(3)
    void underPolicyWaitTheRoundWaitsForTheSiteToComeBack() throws IOException {
        Plan plan = plan("wait", SITES);
        plan.faults.policy = "wait";
        plan.faults.deadlineSeconds = 150;
        Coordinator.Summary summary = run(plan, (coordinator, round) -> {
            if (round == 1) {
                running.get("site-c").destroyForcibly();
                start("site-c");
            }
        });
        assertThat(answered(plan)).containsExactly(3, 3);
        assertThat(summary.skipped()).isEmpty();
    }

    @Test
    @Order(4)
    void aSiteKilledWhileTrainingIsDroppedFromThatRound() throws IOException {
        Plan plan = plan("mid-round", SITES);
        plan.strategySettings().put("local_epochs", 30); // about 150 steps: several seconds of training to be killed in
        plan.faults.policy = "skip";
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Coordinator coordinator = Coordinator.start(plan, Path.of("."), Device.cpu(), 1,
                new PrintStream(log, true))) {
            coordinator.onRoundEnd(round -> {
                if (round == 1) {
                    Thread killer = new Thread(() -> {
                        try {
                            Thread.sleep(1000);
                        } catch (InterruptedException e) {
                            return;
                        }
                        running.get("site-c").destroyForcibly();
                    });
                    killer.start();
                }
            });
            Coordinator.Summary summary = coordinator.run(false, false);
            assertThat(summary.skipped()).containsExactly("round 2: site-c");
        } finally {
            System.out.print(log);
        }
        assertThat(answered(plan)).containsExactly(3, 2);
        // it was in the round when it died: the coordinator lost it mid-round, it did not find it absent
        assertThat(log.toString()).contains("round 2: lost site-c").contains("skipping it (policy skip)");
    }

    static void awaitConnected(Coordinator coordinator, boolean connected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (coordinator.connectedSites().contains("site-c") != connected && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertThat(coordinator.connectedSites().contains("site-c")).isEqualTo(connected);
    }
}
