package io.histoscale.cli;

import io.histoscale.synth.SyntheticSlide;
import io.histoscale.testkit.SyntheticPatches;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code histoscale stage} as a user meets it, with a small model trained here on 32-pixel patches of 8 µm/px and
 * synthetic slides of 4 µm/px (about 60 patches a slide).
 */
class StageCommandTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void trainAModel() {
        Path store = SyntheticPatches.builder().slides(4).perSlide(16).size(32).mpp(8.0).seed(2)
                .write(dir.resolve("store"));
        model = dir.resolve("run");
        CliTest.Run trained = CliTest.run("train", "--data", store.toString(), "--out", model.toString(), "--model",
                "small", "--epochs", "1", "--batch", "8", "--val-fraction", "0", "--threads", "1", "--workers", "1");
        assertThat(trained.status()).as(trained.err()).isZero();
    }

    static Path slide(String name, boolean withMpp) {
        Path file = dir.resolve("slides").resolve(name);
        SyntheticSlide slide = SyntheticSlide.builder().optSizeMm(2, 2).optMpp(4.0).optSeed(name.hashCode()).build();
        try {
            java.nio.file.Files.createDirectories(file.getParent());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (withMpp) slide.writeTiff(file);
        else slide.writeTiffWithoutMpp(file);
        return file;
    }

    static CliTest.Run stage(Path out, String... more) {
        String[] base = {"stage", "--model", model.toString(), "--out", out.toString(), "--threads", "1",
                "--readers", "1"};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliTest.run(args);
    }

    @Test
    void aSlideWithoutMppAsksForAssumeMppAndStagesWithIt() {
        Path bare = slide("patient_000_node_0.tif", false);
        CliTest.Run without = stage(dir.resolve("r1"), "--slides", bare.toString());
        assertThat(without.status()).isEqualTo(2);
        assertThat(without.err()).contains("patient_000_node_0.tif").contains("--assume-mpp")
                .doesNotContain("assume_mpp").doesNotContain("\tat ");

        CliTest.Run with = stage(dir.resolve("r2"), "--slides", bare.toString(), "--assume-mpp", "4");
        assertThat(with.status()).as(with.err()).isZero();
        assertThat(with.out()).contains("patient_000");
        assertThat(dir.resolve("r2/stages.csv")).content().contains("patient_000_node_0.tif,");
        assertThat(dir.resolve("r2/slides/patient_000_node_0.heatmap")).isNotEmptyFile();

        // one slide of two without a resolution: the other is staged, the failure names the option
        Path scanned = slide("patient_000_node_1.tif", true);
        CliTest.Run some = stage(dir.resolve("r3"), "--slides", bare.toString(), scanned.toString());
        assertThat(some.status()).isEqualTo(1);
        assertThat(some.err()).contains("failed: ").contains("patient_000_node_0.tif").contains("--assume-mpp")
                .doesNotContain("assume_mpp");
    }

    @Test
    void aTruthThatDoesNotMatchTheSlidesIsRefusedAtOnceAndNothingIsWritten() throws java.io.IOException {
        Path slide = slide("patient_004_node_0.tif", true);
        Path truth = java.nio.file.Files.writeString(dir.resolve("truth.csv"), "patient,stage\npatient_000.zip,pN1\n");
        Path out = dir.resolve("mismatch");
        long t0 = System.nanoTime();
        CliTest.Run r = stage(out, "--slides", slide.toString(), "--truth", truth.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).startsWith("histoscale: error: --truth").contains("patient_004").doesNotContain("\tat ");
        assertThat(seconds).isLessThan(1.0);
        assertThat(out).doesNotExist();
    }
}
