package io.histoscale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Json;
import io.histoscale.dataset.SlideEntry;
import io.histoscale.dataset.store.PatchMeta;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.dataset.store.PatchStoreSpec;
import io.histoscale.dataset.store.PatchStoreWriter;
import io.histoscale.dataset.store.SlideBatch;
import io.histoscale.synth.SyntheticSlide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A patch store knows what it holds: the options its patches were cut with, which slide files they came from, and
 * it stays whole when two tile processes share it or its disk fills up.
 */
class TileStoreTest {
    @TempDir
    Path dir;

    /** A small synthetic slide (2.5 mm at 1 µm/px), different for every seed. */
    private Path slide(String relative, long seed) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        SyntheticSlide.builder().optSizeMm(2.5, 2.5).optMpp(1.0).optSeed(seed).build().writeTiff(file);
        return file;
    }

    /** {@code tile} with a private run registry, so that tests leave no trace in the user's. */
    private CliTest.Run tile(Object... args) {
        List<String> all = new ArrayList<>(List.of("tile", "--no-thumbnails", "--store",
                dir.resolve("runs.db").toString()));
        for (Object a : args) all.add(a.toString());
        return CliTest.run(all.toArray(String[]::new));
    }

    private static List<String> slideNames(Path store) {
        try (PatchStore s = PatchStore.open(store)) {
            return s.slides().stream().map(SlideEntry::name).toList();
        }
    }

    private static long size(Path store) {
        try (PatchStore s = PatchStore.open(store)) {
            return s.size();
        }
    }

    @Test
    void aStoreRefusesPatchesCutWithOtherOptions() throws IOException {
        Path a = slide("a.tif", 1), b = slide("b.tif", 2);
        Path store = dir.resolve("store");
        CliTest.Run first = tile(a, "--mpp", "4", "--size", "32", "--out", store);
        assertThat(first.status()).as(first.err()).isZero();
        long kept = size(store);

        CliTest.Run coarser = tile(b, "--mpp", "8", "--size", "32", "--out", store);
        assertThat(coarser.status()).isEqualTo(2);
        assertThat(errorLine(coarser)).startsWith("histoscale: error: --mpp 8.0").contains(store.toString())
                .contains("mpp 4.0");
        CliTest.Run bigger = tile(b, "--mpp", "4", "--size", "64", "--out", store);
        assertThat(bigger.status()).isEqualTo(2);
        assertThat(bigger.err()).contains("--size 64").contains("size 32");
        CliTest.Run denser = tile(b, "--mpp", "4", "--size", "32", "--stride", "16", "--out", store);
        assertThat(denser.status()).isEqualTo(2);
        assertThat(denser.err()).contains("--stride 16").contains("stride 32");
        // A re-run with other options is refused too, not reported as "already in the store".
        CliTest.Run again = tile(a, "--mpp", "8", "--size", "32", "--out", store);
        assertThat(again.status()).isEqualTo(2);
        assertThat(again.out()).doesNotContain("skipped");
        assertThat(slideNames(store)).containsExactly("a");
        assertThat(size(store)).isEqualTo(kept);

        CliTest.Run same = tile(b, "--mpp", "4", "--size", "32", "--out", store);
        assertThat(same.status()).as(same.err()).isZero();
        assertThat(slideNames(store)).containsExactly("a", "b");
    }

    @Test
    void aStoreThatRecordedNoOptionsTakesThoseOfItsFirstAppendAndSaysSoOnce() throws IOException {
        // A store as HistoScale wrote it before tiling options were recorded: one slide, no options in its manifest.
        Path store = dir.resolve("old");
        try (PatchStoreWriter w = PatchStore.create(store, PatchStoreSpec.builder().patchSize(32).build());
             SlideBatch batch = w.beginSlide(new SlideEntry("earlier", "earlier", null, 1.0))) {
            batch.add(new byte[32 * 32 * 3], new PatchMeta(-1, 0, 0, 0, 4.0, Float.NaN));
            batch.commit();
        }
        Path a = slide("a.tif", 1), b = slide("b.tif", 2), c = slide("c.tif", 3);
        CliTest.Run first = tile(a, "--mpp", "4", "--size", "32", "--out", store);
        assertThat(first.status()).as(first.err()).isZero();
        assertThat(first.out()).contains("recorded").contains("mpp 4.0");
        CliTest.Run second = tile(b, "--mpp", "4", "--size", "32", "--out", store);
        assertThat(second.status()).as(second.err()).isZero();
        assertThat(second.out()).doesNotContain("recorded");
        CliTest.Run other = tile(c, "--mpp", "8", "--size", "32", "--out", store);
        assertThat(other.status()).isEqualTo(2);
        assertThat(other.err()).contains("--mpp 8.0").contains("mpp 4.0");
        assertThat(slideNames(store)).containsExactly("earlier", "a", "b");
    }

    @Test
    void slidesWithOneFileNameInTwoFoldersAreBothKeptAndTheSameFileIsTiledOnce() throws IOException {
        Path first = slide("site1/patient_000_node_1.tif", 1);
        Path second = slide("site2/patient_000_node_1.tif", 2);
        Path store = dir.resolve("store");
        CliTest.Run run = tile(first, second, "--mpp", "4", "--size", "32", "--out", store);
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("tiled 2 slides");
        long patches = size(store);
        try (PatchStore s = PatchStore.open(store)) {
            assertThat(s.slides()).hasSize(2);
            assertThat(s.slides()).extracting(SlideEntry::name).contains("patient_000_node_1")
                    .anySatisfy(n -> assertThat(n).matches("patient_000_node_1~[0-9a-f]{8}"));
            // Camelyon17 naming still finds the patient.
            assertThat(s.slides()).extracting(SlideEntry::patient).containsOnly("patient_000");
        }
        // The same files again, under another spelling of the path and as an identical copy: nothing new.
        Path copy = dir.resolve("copy/patient_000_node_1.tif");
        Files.createDirectories(copy.getParent());
        Files.copy(first, copy);
        CliTest.Run again = tile(first, dir.resolve("site2/../site2/patient_000_node_1.tif"), copy, "--mpp", "4",
                "--size", "32", "--out", store);
        assertThat(again.status()).as(again.err()).isZero();
        assertThat(again.out()).contains("tiled 0 slides").contains("skipped 3 already in the store");
        assertThat(size(store)).isEqualTo(patches);
        assertThat(slideNames(store)).hasSize(2);
    }

    @Test
    void aSlideWhoseFileChangedSinceItWasTiledIsReported() throws IOException {
        Path file = slide("cohort/x.tif", 1);
        Path store = dir.resolve("store");
        assertThat(tile(file, "--mpp", "4", "--size", "32", "--out", store).status()).isZero();
        long patches = size(store);
        slide("cohort/x.tif", 7); // rescanned: same path, other content
        CliTest.Run again = tile(file, "--mpp", "4", "--size", "32", "--out", store);
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.out()).doesNotContain("skipped 1");
        assertThat(again.err()).contains("failed: ").contains(file.toString()).contains("changed");
        assertThat(size(store)).isEqualTo(patches);
    }

    @Test
    void twoTileProcessesOnOneStoreBothSucceedAndTheStoreIsWhole() throws Exception {
        List<Path> slides = new ArrayList<>();
        for (int i = 0; i < 4; i++) slides.add(slide("cohort/s" + i + ".tif", 10 + i));
        Path store = dir.resolve("store");
        Process p1 = tileProcess(slides, store, "runs1.db", "p1.out");
        Process p2 = tileProcess(slides, store, "runs2.db", "p2.out");
        try {
            assertThat(p1.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p2.waitFor(120, TimeUnit.SECONDS)).isTrue();
        } finally {
            p1.destroyForcibly();
            p2.destroyForcibly();
        }
        String out1 = Files.readString(dir.resolve("p1.out")), out2 = Files.readString(dir.resolve("p2.out"));
        assertThat(p1.exitValue()).as(out1).isZero();
        assertThat(p2.exitValue()).as(out2).isZero();
        assertThat(slideNames(store)).containsExactlyInAnyOrder("s0", "s1", "s2", "s3");
        CliTest.Run verify = CliTest.run("store", "verify", store.toString());
        assertThat(verify.status()).as(verify.out() + verify.err()).isZero();
    }

    private Process tileProcess(List<Path> slides, Path store, String runs, String log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "-Dai.djl.offline=true", "-cp", classPath,
                Main.class.getName(), "tile"));
        slides.forEach(s -> command.add(s.toString()));
        command.addAll(List.of("--mpp", "4", "--size", "32", "--threads", "1", "--no-thumbnails", "--out",
                store.toString(), "--store", dir.resolve(runs).toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
    }

    @Test
    void aFullDiskStopsTilingWithOneClearErrorAndKeepsWhatWasCommitted() throws Exception {
        Path a = slide("cohort/a.tif", 1), b = slide("cohort/b.tif", 2), c = slide("cohort/c.tif", 3);
        // How much room each slide takes in a store, measured on a roomy disk.
        Path probe = dir.resolve("probe");
        assertThat(tile(a, b, c, "--mpp", "4", "--size", "32", "--compression", "none", "--out", probe).status()).isZero();
        Map<String, Long> bytes = new HashMap<>();
        for (JsonNode shard : Json.MAPPER.readTree(probe.resolve("manifest.json").toFile()).get("shards")) {
            bytes.merge(shard.get("slide").asText(), pages(shard.get("bytes").asLong()), Long::sum);
        }
        long slack = 128 * 1024;
        assertThat(bytes.get("c")).isGreaterThan(2 * slack);
        // A disk with room for a and b and a little more, not for c.
        Path disk = Files.createDirectories(dir.resolve("disk"));
        long size = bytes.get("a") + bytes.get("b") + slack;
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", disk.toString())
                .redirectErrorStream(true).start();
        String why = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(mount.waitFor() == 0, "cannot mount a small tmpfs here (needs root): " + why);
        try {
            Path store = disk.resolve("store");
            CliTest.Run full = tile(a, b, c, "--mpp", "4", "--size", "32", "--compression", "none", "--threads", "1",
                    "--out", store);
            assertThat(full.status()).as(full.out() + full.err()).isEqualTo(2);
            assertThat(full.err()).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(errorLine(full)).contains(store.toString()).contains("No space left on device")
                    .contains("free space");
            assertThat(slideNames(store)).containsExactly("a", "b");
            try (Stream<Path> files = Files.list(store.resolve("shards"))) {
                assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
            }
            CliTest.Run verify = CliTest.run("store", "verify", store.toString());
            assertThat(verify.status()).as(verify.out() + verify.err()).isZero();
        } finally {
            new ProcessBuilder("umount", "-l", disk.toString()).inheritIO().start().waitFor();
        }
    }

    /** The one error line of a run (standard error also carries the progress bar). */
    private static String errorLine(CliTest.Run run) {
        List<String> lines = run.err().lines().filter(l -> l.contains("histoscale: error:")).toList();
        assertThat(lines).as(run.err()).hasSize(1);
        return lines.get(0).substring(lines.get(0).indexOf("histoscale: error:"));
    }

    /** Room a file of {@code bytes} takes on tmpfs: whole 4 KiB pages. */
    private static long pages(long bytes) {
        return (bytes + 4095) / 4096 * 4096;
    }
}
