package io.histoscale.bench.infer;

import io.histoscale.core.UserException;
import io.histoscale.synth.SyntheticSlide;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Tag("peer")
class InferBenchTest {
    @TempDir
    Path dir;

    @Test
    void measuresUsAndThePeerOnTheSamePatches() throws Exception {
        assumeTrue(pythonHas("torch, openslide, numpy"), "python3-torch / python3-openslide not installed");
        Path slide = dir.resolve("s.tif");
        SyntheticSlide.builder().optSizeMm(1.5, 1.5).optMpp(1.0).optSeed(3).addTumour(0.4).build().writeTiff(slide);
        Map<String, Object> r = InferBench.builder().setSlide(slide).optModel("small").optPatchSize(32).optMpp(2.0)
                .optBatchSize(16).optThreads(1).optReaders(1).optRounds(1).build().run();
        assertThat(r).containsKeys("ours", "peer", "unit", "ratio", "io_wait_share");
        assertThat(r.get("unit")).isEqualTo("patches/s");
        long patches = (Long) r.get("patches");
        assertThat(patches).isGreaterThan(100);
        assertThat(r.get("peer_patches")).isEqualTo(patches);
        double ours = (Double) r.get("ours"), peer = (Double) r.get("peer");
        assertThat(ours).isPositive();
        assertThat(peer).isPositive();
        assertThat((Double) r.get("ratio")).isCloseTo(ours / peer, org.assertj.core.data.Offset.offset(0.01));
        assertThat((Double) r.get("io_wait_share")).isBetween(0.0, 1.0);
        assertThat((Double) r.get("peer_io_wait_share")).isBetween(0.0, 1.0);
    }

    @Test
    void badSettingsAreUserErrors() {
        assertThatThrownBy(() -> InferBench.builder().setSlide(dir).optRounds(0).build())
                .isInstanceOf(UserException.class).hasMessageContaining("at least 1");
    }

    private static boolean pythonHas(String modules) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import " + modules).start();
        return p.waitFor() == 0;
    }
}
