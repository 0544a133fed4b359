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

    @Test
    void evaluateRefusesPatchesAtAnotherMagnificationAndWarnsWhenItCannotTell() throws java.io.IOException {
        CliTest.Run same = CliTest.run("evaluate", "--model", model.toString(), "--data", dir.resolve("store").toString(),
                "--threads", "1", "--workers", "1");
        assertThat(same.status()).as(same.err()).isZero();
        assertThat(same.err()).doesNotContain("warning");

        Path coarse = SyntheticPatches.builder().slides(2).perSlide(8).size(32).mpp(2.0).seed(3)
                .write(dir.resolve("store-2um"));
        CliTest.Run other = CliTest.run("evaluate", "--model", model.toString(), "--data", coarse.toString(),
                "--threads", "1", "--workers", "1");
        assertThat(other.status()).isEqualTo(2);
        assertThat(other.err()).contains("2 µm/px").contains("8 µm/px").doesNotContain("\tat ");

        // an image folder records no µm/px: scored, with a warning naming the model's
        Path folder = dir.resolve("folder");
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        for (String label : java.util.List.of("normal", "tumour")) {
            java.nio.file.Files.createDirectories(folder.resolve(label));
            for (int i = 0; i < 3; i++) {
                byte[] rgb = SyntheticPatches.patch(32, label.equals("tumour"), random);
                javax.imageio.ImageIO.write(io.histoscale.dataset.Pixels.toImage(rgb, 32, 32, 3), "png",
                        folder.resolve(label + "/p" + i + ".png").toFile());
            }
        }
        CliTest.Run unknown = CliTest.run("evaluate", "--model", model.toString(), "--data", folder.toString(),
                "--threads", "1", "--workers", "1");
        assertThat(unknown.status()).as(unknown.err()).isZero();
        assertThat(unknown.err()).contains("warning").contains("µm/px").contains("8 µm/px");
    }

    @Test
    void stageRefusesAnMppOtherThanTheModelsAndNamesBoth() {
        Path slide = slide("patient_005_node_0.tif", true);
        CliTest.Run r = stage(dir.resolve("mpp16"), "--slides", slide.toString(), "--mpp", "16");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--mpp").contains("16 µm/px").contains("8 µm/px").doesNotContain("\tat ");
        assertThat(dir.resolve("mpp16")).doesNotExist();
    }

    @Test
    void aRunThatSaysMacenkoButRecordsNoStainsIsRefused() throws java.io.IOException {
        Path copy = dir.resolve("run-no-stains");
        java.nio.file.Files.createDirectories(copy);
        try (var files = java.nio.file.Files.list(model)) {
            for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                java.nio.file.Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        var run = (com.fasterxml.jackson.databind.node.ObjectNode) io.histoscale.core.Json.MAPPER
                .readTree(copy.resolve("run.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) run.get("config")).put("stainNormalisation", "macenko");
        run.remove("stainReference");
        io.histoscale.core.Json.MAPPER.writeValue(copy.resolve("run.json").toFile(), run);
        CliTest.Run r = CliTest.run("evaluate", "--model", copy.toString(), "--data", dir.resolve("store").toString(),
                "--threads", "1", "--workers", "1");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("macenko").contains("stain");
    }
}
