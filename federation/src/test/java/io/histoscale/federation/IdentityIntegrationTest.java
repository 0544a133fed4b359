package io.histoscale.federation;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.federation.coordinator.Coordinator;
import io.histoscale.federation.site.SiteMain;
import io.histoscale.testkit.SyntheticPatches;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Who a site talks to, with real site processes: a site refuses a server that is not its coordinator (here another
 * hospital holding a certificate of the same authority) before it trains or sends anything, and a site the plan does
 * not list is told so once and stops.
 */
@Tag("federation")
class IdentityIntegrationTest {

    @TempDir
    static Path dir;
    static Path store;
    static Path pki;

    @BeforeAll
    static void data() {
        store = SyntheticPatches.builder().slides(2).perSlide(16).size(24).seed(5).tumourEvery(2)
                .write(dir.resolve("patches"));
        pki = Fixtures.pki(dir.resolve("pki"), List.of("hospital-a", "hospital-b", "hospital-c"));
    }

    @Test
    void aSiteRefusesAnotherHospitalPosingAsItsCoordinatorBeforeAnyTraining() throws Exception {
        int port = freePort();
        // hospital-b holds a certificate of the federation's authority and listens where hospital-a is sent
        Plan forged = Fixtures.plan("fedavg", dir.resolve("forged"), pki, port, store, List.of("hospital-a"));
        forged.name = "hospital-b";
        forged.strategySettings().put("rounds", 1);
        forged.faults.joinTimeoutSeconds = 15;
        forged.test = null;
        Path siteDir = dir.resolve("forged-hospital-a");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Coordinator forger = Coordinator.start(forged, Path.of("."), Device.cpu(), 1,
                new PrintStream(log, true)); SiteProcesses sites = new SiteProcesses()) {
            CompletableFuture<Coordinator.Summary> run = CompletableFuture.supplyAsync(() -> forger.run(false));
            Process site = sites.start(options("hospital-a", port, siteDir));
            assertThat(site.waitFor(90, TimeUnit.SECONDS)).as("the site stops by itself").isTrue();
            assertThat(site.exitValue()).as(Files.readString(siteDir.resolve("site.log"))).isEqualTo(2);
            // the forger never saw the site join, so it had nobody to send a model to or get one from
            assertThatThrownBy(run::join).hasCauseInstanceOf(UserException.class)
                    .hasMessageContaining("no site joined");
        } finally {
            System.out.print(log);
        }
        assertThat(log.toString()).doesNotContain("joined (").doesNotContain("round 1");
        assertThat(Files.readString(siteDir.resolve("site.log"))).contains("hospital-b").contains("refused")
                .doesNotContain("round 1");
        assertThat(auditTypes(siteDir)).doesNotContain("parameter_chunk", "result");
    }

    @Test
    void aSiteOutsideThePlanIsToldSoOnceAndStops() throws Exception {
        int port = freePort();
        Plan plan = Fixtures.plan("fedavg", dir.resolve("refusing"), pki, port, store, List.of("hospital-a"));
        Path siteDir = dir.resolve("refused-hospital-c");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Coordinator coordinator = Coordinator.start(plan, Path.of("."), Device.cpu(), 1,
                new PrintStream(log, true)); SiteProcesses sites = new SiteProcesses()) {
            Process site = sites.start(options("hospital-c", port, siteDir));
            assertThat(site.waitFor(60, TimeUnit.SECONDS)).as("the refused site stops instead of retrying").isTrue();
            assertThat(site.exitValue()).isEqualTo(2);
            assertThat(coordinator.connectedSites()).isEmpty();
        } finally {
            System.out.print(log);
        }
        String siteLog = Files.readString(siteDir.resolve("site.log"));
        assertThat(siteLog).contains("hospital-c is not a site of this plan").doesNotContain("cannot reach")
                .doesNotContain("reconnecting");
        assertThat(log.toString().split("refused hospital-c", -1)).hasSize(2);
    }

    static SiteMain.Options options(String name, int port, Path out) {
        return new SiteMain.Options(store, name, "127.0.0.1:" + port, pki, null, 0.25, 7, 1, "cpu", 1, "127.0.0.1",
                -1, out, 120);
    }

    /** The types of the messages a site's audit log records. */
    static List<String> auditTypes(Path siteDir) throws IOException {
        Path file = siteDir.resolve("audit.jsonl");
        List<String> types = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                JsonNode node = Json.MAPPER.readTree(line);
                types.add(node.path("type").asText());
            }
        }
        return types;
    }

    static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }
}
