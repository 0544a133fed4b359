package io.histoscale.train.checkpoint;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.histoscale.core.AtomicFiles;
import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointTest {

    @TempDir
    Path tmp;

    /** A checkpoint whose header says {@code n} and whose sections hold {@code n} everywhere. */
    static Checkpoint numbered(int n, int floats) {
        ObjectNode header = JsonNodeFactory.instance.objectNode().put("n", n);
        FloatBuffer a = Checkpoint.floats(floats);
        FloatBuffer b = Checkpoint.floats(floats / 3);
        while (a.hasRemaining()) {
            a.put(n);
        }
        while (b.hasRemaining()) {
            b.put(-n);
        }
        return new Checkpoint(header).add("a", a.flip()).add("b", b.flip());
    }

    /** Asserts that the file holds a whole checkpoint, all of one number; returns the number. */
    static int checkWhole(Path file, int floats) {
        Checkpoint c = Checkpoint.read(file);
        int n = c.header().get("n").asInt();
        FloatBuffer a = c.section("a");
        FloatBuffer b = c.section("b");
        assertThat(a.remaining()).isEqualTo(floats);
        assertThat(b.remaining()).isEqualTo(floats / 3);
        while (a.hasRemaining()) {
            assertThat(a.get()).isEqualTo(n);
        }
        while (b.hasRemaining()) {
            assertThat(b.get()).isEqualTo(-n);
        }
        return n;
    }

    @Test
    void roundTrips() {
        Path file = tmp.resolve("x.ckpt");
        numbered(7, 1000).write(file);
        assertThat(checkWhole(file, 1000)).isEqualTo(7);
        assertThat(Checkpoint.read(file).sections()).containsExactly("a", "b");
        numbered(8, 1000).write(file);
        assertThat(checkWhole(file, 1000)).isEqualTo(8);
    }

    @Test
    void detectsDamageAndTruncation() throws IOException {
        Path file = tmp.resolve("x.ckpt");
        numbered(1, 1000).write(file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(tmp.resolve("flipped.ckpt"), bytes);
        Files.write(tmp.resolve("short.ckpt"), java.util.Arrays.copyOf(Files.readAllBytes(file), bytes.length - 100));
        assertThatThrownBy(() -> Checkpoint.read(tmp.resolve("flipped.ckpt")))
                .isInstanceOf(UserException.class).hasMessageContaining("checksum");
        assertThatThrownBy(() -> Checkpoint.read(tmp.resolve("short.ckpt")))
                .isInstanceOf(UserException.class).hasMessageContaining("damaged");
        assertThatThrownBy(() -> Checkpoint.read(tmp.resolve("none.ckpt")))
                .isInstanceOf(UserException.class).hasMessageContaining("does not exist");
    }

    @Test
    void aFailedWriteLeavesThePreviousFile() throws IOException {
        Path file = tmp.resolve("x.ckpt");
        numbered(1, 1000).write(file);
        assertThatThrownBy(() -> AtomicFiles.write(file, channel -> {
            AtomicFiles.writeFully(channel, java.nio.ByteBuffer.wrap(new byte[100]));
            throw new IOException("disk full");
        })).isInstanceOf(UserException.class).hasMessageContaining("disk full");
        assertThat(checkWhole(file, 1000)).isEqualTo(1);
        try (var left = Files.list(tmp)) {
            assertThat(left).containsExactly(file); // the failed write's temporary file is gone
        }
    }

    /**
     * A child JVM rewrites a 24 MB checkpoint over and over; killed forcibly at two moments, it leaves each time a
     * whole checkpoint (never a partly written one), and the next write goes through.
     */
    @Test
    void aKilledWriterNeverLeavesAHalfWrittenCheckpoint() throws Exception {
        Path file = tmp.resolve("x.ckpt");
        for (long delay : new long[] {150, 420}) {
            Process child = startWriter(file);
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
                assertThat(out.readLine()).isEqualTo("WROTE 1");
                Thread.sleep(delay);
                child.destroyForcibly();
                assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }
            int n = checkWhole(file, WRITER_FLOATS);
            assertThat(n).isGreaterThanOrEqualTo(1);
            numbered(n + 1, WRITER_FLOATS).write(file);
            assertThat(checkWhole(file, WRITER_FLOATS)).isEqualTo(n + 1);
        }
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("x.ckpt");
        }
    }

    static final int WRITER_FLOATS = 4_500_000;

    private static Process startWriter(Path file) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(java, "-cp", classPath, CheckpointTest.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** The writer: checkpoints 1, 2, 3, ... into the file given, printing "WROTE 1" after the first. */
    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        for (int n = 1; ; n++) {
            numbered(n, WRITER_FLOATS).write(file);
            if (n == 1) {
                System.out.println("WROTE 1");
                System.out.flush();
            }
        }
    }
}
