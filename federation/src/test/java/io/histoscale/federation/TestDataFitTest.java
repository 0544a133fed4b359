package io.histoscale.federation;

import ai.djl.Device;
import io.histoscale.core.UserException;
import io.histoscale.federation.coordinator.Coordinator;
import io.histoscale.testkit.SyntheticPatches;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
}
