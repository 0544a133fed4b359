package io.histoscale.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void concurrentWritersOfOneFileLeaveOneWholeVersion() throws Exception {
        Path file = dir.resolve("table.csv");
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            String line = ("writer " + t + "\n").repeat(20_000);
            Thread w = new Thread(() -> {
                for (int i = 0; i < 20; i++) AtomicFiles.writeString(file, line);
            });
            w.start();
            writers.add(w);
        }
        for (Thread w : writers) w.join();
        String text = Files.readString(file);
        assertThat(text.lines().distinct().count()).isEqualTo(1); // one writer's version, whole
        assertThat(text.lines().count()).isEqualTo(20_000);
        assertThat(names()).containsExactly("table.csv");
    }

    @Test
    void aDeadWritersTemporaryFileGoesWithTheNextWrite() throws Exception {
        Path file = dir.resolve("run.json");
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Files.writeString(dir.resolve(".run.json." + dead.pid() + "-1.tmp"), "half");
        AtomicFiles.writeString(file, "{}");
        assertThat(names()).containsExactly("run.json");
        assertThat(Files.readString(file)).isEqualTo("{}");
    }

    @Test
    void aFailedWriteKeepsTheOldFileAndSaysWhatToCheck() throws Exception {
        Path file = dir.resolve("x.bin");
        AtomicFiles.write(file, new byte[]{1, 2, 3});
        assertThatThrownBy(() -> AtomicFiles.write(file, channel -> {
            AtomicFiles.writeFully(channel, ByteBuffer.wrap(new byte[10]));
            throw new IOException("No space left on device");
        })).isInstanceOf(UserException.class).hasMessageContaining("cannot write " + file)
                .hasMessageContaining("disk is not full");
        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
        assertThat(names()).containsExactly("x.bin");
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
