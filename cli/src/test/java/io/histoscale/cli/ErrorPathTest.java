package io.histoscale.cli;

import io.histoscale.testkit.SmallFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One error path: whatever fails (the user's input, the disk, the registry) ends as one line naming the thing and
 * what to do, status 1 or 2, without stack frames unless --debug; a bug in HistoScale says so, with its trace.
 */
class ErrorPathTest {

    @TempDir
    Path dir;

    /** One line starting {@code histoscale: error:}, no stack frames. */
    private static void assertOneLine(CliTest.Run run) {
        assertThat(run.err().strip()).startsWith("histoscale: error: ");
        assertThat(run.err().strip().lines().count()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void aFullDiskIsOneLineNamingTheFileAndWhatToDo() throws IOException {
        assumeTrue(SmallFileSystem.whyUnavailable() == null, SmallFileSystem.whyUnavailable());
        try (SmallFileSystem disk = SmallFileSystem.mount(dir.resolve("disk"), 64 * 1024)) {
            CliTest.Run synth = CliTest.run("synth", "cohort", "--patients", "1", "--slides-per-patient", "1",
                    "--size-mm", "3.8", "--mpp", "2.0", "--out", disk.root().resolve("cohort").toString());
            assertThat(synth.status()).isEqualTo(1);
            assertOneLine(synth);
            assertThat(synth.err()).contains(disk.root().resolve("cohort").toString())
                    .contains("no space left on device").contains("free space");
        }
    }

    @Test
    void aReadOnlyFileSystemIsOneLine() throws IOException {
        assumeTrue(SmallFileSystem.whyUnavailable() == null, SmallFileSystem.whyUnavailable());
        try (SmallFileSystem disk = SmallFileSystem.mount(dir.resolve("disk"), 256 * 1024)) {
            disk.readOnly();
            CliTest.Run pki = CliTest.run("pki", "init", "--pki", disk.root().resolve("pki").toString());
            assertThat(pki.status()).isEqualTo(1);
            assertOneLine(pki);
            assertThat(pki.err()).contains(disk.root().resolve("pki").toString()).contains("read-only file system")
                    .contains("writable");
        }
    }

    @Test
    void aRegistryOnAReadOnlyFileSystemIsOneLineNamingIt() throws IOException {
        assumeTrue(SmallFileSystem.whyUnavailable() == null, SmallFileSystem.whyUnavailable());
        try (SmallFileSystem disk = SmallFileSystem.mount(dir.resolve("disk"), 1024 * 1024)) {
            Path registry = disk.root().resolve("runs.db");
            assertThat(CliTest.run("runs", "list", "--store", registry.toString()).status()).isZero();
            disk.readOnly();
            CliTest.Run existing = CliTest.run("tile", "--store", registry.toString(), "--out",
                    dir.resolve("store").toString(), dir.resolve("none.svs").toString());
            // the registry says what to give instead (--store): a user error
            assertThat(existing.status()).isEqualTo(2);
            assertOneLine(existing);
            assertThat(existing.err()).contains("cannot write the run registry " + registry)
                    .contains("read-only file system").contains("--store");

            Path fresh = disk.root().resolve("new.db");
            CliTest.Run created = CliTest.run("tile", "--store", fresh.toString(), "--out",
                    dir.resolve("store").toString(), dir.resolve("none.svs").toString());
            assertThat(created.status()).isEqualTo(2);
            assertOneLine(created);
            assertThat(created.err()).contains(fresh.toString()).contains("read-only file system").contains("--store");
        }
    }

    @Test
    void aFileThatIsNotARegistryIsSaidAtOnce() throws IOException {
        byte[] noise = new byte[5000];
        new Random(1).nextBytes(noise);
        Path garbage = Files.write(dir.resolve("garbage.db"), noise);
        long start = System.nanoTime();
        CliTest.Run list = CliTest.run("runs", "list", "--store", garbage.toString());
        assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(5);
        assertThat(list.status()).isEqualTo(2);
        assertOneLine(list);
        assertThat(list.err()).contains(garbage + " is not a HistoScale run registry (not an SQLite database)");
        assertThat(garbage).hasBinaryContent(noise);
    }

    @Test
    void aFolderOfTruncatedImagesIsOneLineNamingAnImage() throws IOException {
        Path folder = dir.resolve("images");
        BufferedImage image = new BufferedImage(48, 48, BufferedImage.TYPE_3BYTE_BGR);
        Random random = new Random(2);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 48; x++) image.setRGB(x, y, random.nextInt(0xFFFFFF));
        }
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        ImageIO.write(image, "png", encoded);
        byte[] png = encoded.toByteArray();
        for (String label : new String[]{"normal", "tumour"}) {
            Files.createDirectories(folder.resolve(label));
            for (int i = 0; i < 3; i++) {
                Files.write(folder.resolve(label).resolve("s" + i + "_0_0.png"), Arrays.copyOf(png, png.length / 2));
            }
        }
        CliTest.Run train = CliTest.run("train", "--data", folder.toString(), "--out", dir.resolve("run").toString(),
                "--model", "small", "--epochs", "1", "--threads", "1");
        assertThat(train.status()).isEqualTo(2);
        assertOneLine(train);
        assertThat(train.err()).containsPattern("images/(normal|tumour)/s\\d_0_0\\.png")
                .contains("Replace or remove");
    }

    @Test
    void debugAddsTheTraceAnywhereOnTheLine() {
        String missing = dir.resolve("missing.svs").toString();
        CliTest.Run plain = CliTest.run("info", missing);
        assertThat(plain.status()).isEqualTo(2);
        assertOneLine(plain);
        for (String[] args : new String[][]{{"--debug", "info", missing}, {"info", missing, "--debug"}}) {
            CliTest.Run debug = CliTest.run(args);
            assertThat(debug.status()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(debug.err()).startsWith(plain.err().strip()).contains("UserException").contains("\tat ");
        }
    }

    @Command(name = "buggy")
    static final class Buggy implements Callable<Integer> {
        @Override
        public Integer call() {
            Object nothing = null;
            return nothing.hashCode();
        }
    }

    @Test
    void aBugSaysItIsOneAndShowsItsTrace() {
        PrintStream err = System.err;
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status;
        try {
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            status = Main.commandLine(new Buggy()).execute();
        } finally {
            System.setErr(err);
        }
        String text = e.toString(StandardCharsets.UTF_8);
        assertThat(status).isEqualTo(1);
        assertThat(text).startsWith("histoscale: error: ").contains("NullPointerException")
                .contains("this is a bug in HistoScale, please report it").contains("\tat ");
    }
}
