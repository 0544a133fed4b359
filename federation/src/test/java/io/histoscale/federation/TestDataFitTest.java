package io.histoscale.federation;

import ai.djl.Device;
import io.histoscale.core.UserException;
import io.histoscale.federation.coordinator.Coordinator;
import io.histoscale.federation.site.SiteMain;
import io.histoscale.testkit.SyntheticPatches;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The coordinator's test data meet the federated model: a misfit is refused before any site is waited for. */
@Tag("federation")
class TestDataFitTest {
    @TempDir
    Path dir;

    private Coordinator coordinator(Path testStore) {
        Path pki = Fixtures.pki(dir.resolve("pki"), List.of("site-a"));
        Plan plan = Fixtures.plan("fedavg", dir.resolve("run"), pki, 0, testStore, List.of("site-a"));
        plan.faults.joinTimeoutSeconds = 4; // no site is started: a check that waits for one fails on this
        return Coordinator.start(plan, Path.of("."), Device.cpu(), 1, new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void testPatchesTooSmallForTheModelsInputAreRefusedAtOnce() {
        // the plan's model takes 24-pixel inputs; these test patches are 16 pixels
        Path store = SyntheticPatches.builder().slides(2).perSlide(4).size(16).write(dir.resolve("small"));
        try (Coordinator c = coordinator(store)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> c.run(false)).isInstanceOf(UserException.class)
                    .hasMessageContaining(store.toString()).hasMessageContaining("16x16").hasMessageContaining("24");
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(2.0);
        }
    }

    @Test
    void testPatchesOfOtherClassesThanTheModelsAreRefusedAtOnce() {
        Path store = SyntheticPatches.builder().slides(2).perSlide(4).size(32)
                .labels(List.of("normal", "stroma", "tumour"), 2).write(dir.resolve("three"));
        try (Coordinator c = coordinator(store)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> c.run(false)).isInstanceOf(UserException.class)
                    .hasMessageContaining(store.toString()).hasMessageContaining("[normal, stroma, tumour]")
                    .hasMessageContaining("2 classes");
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(2.0);
        }
    }

    /**
     * A real site process holds 24-pixel patches of 0.5 µm/px, classes [normal, tumour]; the coordinator's test
     * patches are 32 pixels of 2 µm/px, classes [tumour, normal]: the model would be scored at another magnification
     * with its outputs read as the wrong classes. Refused once the site has joined, before round 1.
     */
    @Test
    void testPatchesUnlikeTheSitesAreRefusedBeforeTheFirstRound() throws Exception {
        Path siteStore = SyntheticPatches.builder().slides(2).perSlide(8).size(24).seed(5).write(dir.resolve("site"));
        Path testStore = SyntheticPatches.builder().slides(2).perSlide(4).size(32).mpp(2.0)
                .labels(List.of("tumour", "normal"), 0).write(dir.resolve("test"));
        Path pki = Fixtures.pki(dir.resolve("pki"), List.of("site-a"));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Plan plan = Fixtures.plan("fedavg", dir.resolve("run"), pki, port, testStore, List.of("site-a"));
        plan.strategySettings().put("rounds", 1);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (SiteProcesses sites = new SiteProcesses()) {
            sites.start(new SiteMain.Options(siteStore, "site-a", "127.0.0.1:" + port, pki, null, 0.25, 7, 1, "cpu",
                    1, "127.0.0.1", -1, dir.resolve("site-a"), 300));
            try (Coordinator c = Coordinator.start(plan, Path.of("."), Device.cpu(), 1, new PrintStream(log, true))) {
                assertThatThrownBy(() -> c.run(false)).isInstanceOf(UserException.class)
                        .hasMessageContaining(testStore.toString()).hasMessageContaining("site-a")
                        .hasMessageContaining("2 µm/px").hasMessageContaining("0.5 µm/px")
                        .hasMessageContaining("[tumour, normal]").hasMessageContaining("[normal, tumour]");
            }
        }
        // no round was run; the other patch size is a warning (the model sees a centre crop of either)
        assertThat(log.toString()).doesNotContain("round 1:").contains("warning").contains("32x32").contains("24x24");
    }
}
