package io.histoscale.federation;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Json;
import io.grpc.Server;
import io.histoscale.federation.coordinator.Coordinator;
import io.histoscale.federation.pki.Pki;
import io.histoscale.federation.proto.SiteMessage;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who a site talks to, with real site processes: a site refuses a server that is not its coordinator (here another
 * hospital holding a certificate of the same authority) before it trains or sends anything, a coordinator's
 * certificate cannot serve as a site's, and a site the plan does not list is told so once and stops.
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

    /**
     * hospital-b holds a certificate of the federation's authority (valid for 127.0.0.1) and listens where
     * hospital-a is sent: hospital-a refuses it whether it expects the coordinator {@code coordinator} (another name)
     * or was even told {@code hospital-b} (a site certificate never passes as a coordinator's).
     */
    @Test
    void aSiteRefusesAnotherHospitalPosingAsItsCoordinatorBeforeAnyTraining() throws Exception {
        List<SiteMessage> received = new CopyOnWriteArrayList<>();
        Server forger = Fixtures.forger(Pki.open(pki).member("hospital-b", Pki.Role.SITE), received);
        List<Path> siteDirs = List.of(dir.resolve("forged-default"), dir.resolve("forged-named"));
        try (SiteProcesses sites = new SiteProcesses()) {
            SiteMain.Options byDefault = options("hospital-a", forger.getPort(), siteDirs.get(0));
            SiteMain.Options named = withCoordinatorName(options("hospital-a", forger.getPort(), siteDirs.get(1)),
                    "hospital-b");
            List<Process> started = List.of(sites.start(byDefault), sites.start(named));
            for (int i = 0; i < 2; i++) {
                assertThat(started.get(i).waitFor(90, TimeUnit.SECONDS)).as("the site stops by itself").isTrue();
                assertThat(started.get(i).exitValue()).as(Files.readString(siteDirs.get(i).resolve("site.log")))
                        .isEqualTo(2);
            }
        } finally {
            forger.shutdownNow();
        }
        assertThat(received).as("what the forger got").isEmpty();
        for (Path siteDir : siteDirs) {
            assertThat(Files.readString(siteDir.resolve("site.log"))).contains("refused before sending anything")
                    .contains("hospital-b (a site certificate)").doesNotContain("round 1");
            assertThat(auditTypes(siteDir)).doesNotContain("parameter_chunk", "result");
        }
    }

    /** A coordinator's certificate cannot take part as a site, even under a name the plan lists. */
    @Test
    void aCoordinatorCertificateIsNoSite() throws Exception {
        int port = freePort();
        Plan plan = Fixtures.plan("fedavg", dir.resolve("coordinator-as-site"), pki, port, store,
                List.of("hospital-a", "coordinator"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path siteDir = dir.resolve("coordinator-as-site-process");
        try (Coordinator coordinator = Coordinator.start(plan, Path.of("."), Device.cpu(), 1,
                new PrintStream(log, true)); SiteProcesses sites = new SiteProcesses()) {
            Process site = sites.start(options("coordinator", port, siteDir));
            assertThat(site.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(site.exitValue()).isEqualTo(2);
            assertThat(coordinator.connectedSites()).isEmpty();
        }
        assertThat(Files.readString(siteDir.resolve("site.log"))).contains("is a coordinator certificate");
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

    /** A site whose patches do not fit the plan's model (3 classes for 2) is told so once and stops too. */
    @Test
    void aSiteWhosePatchesDoNotFitThePlansModelStops() throws Exception {
        Path threeClasses = SyntheticPatches.builder().labels(List.of("normal", "tumour", "other"), 1).slides(2)
                .perSlide(8).size(24).write(dir.resolve("three-classes"));
        int port = freePort();
        Plan plan = Fixtures.plan("fedavg", dir.resolve("misfit"), pki, port, store, List.of("hospital-a"));
        Path siteDir = dir.resolve("misfit-hospital-a");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Coordinator coordinator = Coordinator.start(plan, Path.of("."), Device.cpu(), 1,
                new PrintStream(log, true)); SiteProcesses sites = new SiteProcesses()) {
            SiteMain.Options o = options("hospital-a", port, siteDir);
            Process site = sites.start(new SiteMain.Options(threeClasses, o.name(), o.coordinator(), o.pki(), null,
                    o.valFraction(), o.seed(), 1, "cpu", 1, o.peerHost(), o.peerPort(), siteDir, 120));
            assertThat(site.waitFor(60, TimeUnit.SECONDS)).as("the refused site stops instead of retrying").isTrue();
            assertThat(site.exitValue()).isEqualTo(2);
        } finally {
            System.out.print(log);
        }
        assertThat(Files.readString(siteDir.resolve("site.log"))).contains("refused hospital-a")
                .contains("classes").doesNotContain("reconnecting");
    }

    static SiteMain.Options withCoordinatorName(SiteMain.Options o, String coordinatorName) {
        return new SiteMain.Options(o.data(), o.name(), o.coordinator(), o.pki(), o.indices(), o.valFraction(),
                o.seed(), o.threads(), o.device(), o.workers(), o.peerHost(), o.peerPort(), o.out(),
                o.reconnectSeconds(), coordinatorName);
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
