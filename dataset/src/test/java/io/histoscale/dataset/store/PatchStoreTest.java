package io.histoscale.dataset.store;

import io.histoscale.core.UserException;
import io.histoscale.dataset.Patch;
import io.histoscale.dataset.PatchInfo;
import io.histoscale.dataset.SlideEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static io.histoscale.dataset.store.TestPatches.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatchStoreTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Compression.class)
    void roundTripsPixelsAndMetadataExactly(Compression compression) throws IOException {
        try (PatchStoreWriter writer = PatchStore.create(dir, spec(compression))) {
            writeSlides(writer, 30, "alpha", "beta", "gamma");
        }
        try (PatchStore store = PatchStore.open(dir)) {
            assertThat(store.size()).isEqualTo(90);
            assertThat(store.width()).isEqualTo(SIZE);
            assertThat(store.channels()).isEqualTo(3);
            assertThat(store.labelNames()).containsExactly(LABELS);
            assertThat(store.slides()).containsExactly(slide("alpha"), slide("beta"), slide("gamma"));
            assertThat(shardFiles()).hasSizeGreaterThan(3); // slides span several shards

            ByteBuffer heap = ByteBuffer.allocate(store.patchBytes());
            ByteBuffer direct = ByteBuffer.allocateDirect(store.patchBytes() * 2).position(store.patchBytes());
            for (long i = 0; i < store.size(); i++) {
                String slide = store.slides().get(store.slideIndex(i)).name();
                int k = (int) (i % 30);
                byte[] expected = pixels(slide, k);
                assertThat(store.read(i)).isEqualTo(expected);
                store.read(i, heap.clear());
                assertThat(heap.array()).isEqualTo(expected);
                store.read(i, direct.position(store.patchBytes()));
                byte[] fromDirect = new byte[store.patchBytes()];
                direct.get(store.patchBytes(), fromDirect);
                assertThat(fromDirect).isEqualTo(expected);
                assertThat(direct.position()).isEqualTo(direct.capacity());

                PatchMeta meta = meta(slide, k);
                SlideEntry entry = slide(slide);
                assertThat(store.info(i)).isEqualTo(new PatchInfo(slide, entry.patient(), entry.centre(), meta.level(),
                        meta.x(), meta.y(), meta.mpp(), meta.label(), meta.tumourFraction()));
                assertThat(store.label(i)).isEqualTo(meta.label());
            }
            assertThat(store.image(0).getRGB(0, 0) & 0xffffff).isEqualTo(
                    ((pixels("alpha", 0)[0] & 0xff) << 16) | ((pixels("alpha", 0)[1] & 0xff) << 8) | (pixels("alpha", 0)[2] & 0xff));
            store.verify();
        }
    }

    @Test
    void sequentialStreamEqualsRandomAccessFromManyThreads() {
        try (PatchStoreWriter writer = PatchStore.create(dir, spec(Compression.ZSTD))) {
            writeSlides(writer, 25, "s1", "s2", "s3", "s4");
        }
        try (PatchStore store = PatchStore.open(dir)) {
            List<Patch> sequential = store.stream().toList();
            assertThat(sequential).hasSize(100);
            List<Long> shuffled = new ArrayList<>(LongStream.range(0, 100).boxed().toList());
            java.util.Collections.shuffle(shuffled, new java.util.Random(3));
            shuffled.parallelStream().forEach(i -> {
                assertThat(store.read(i)).isEqualTo(sequential.get(i.intValue()).pixels());
                assertThat(store.info(i)).isEqualTo(sequential.get(i.intValue()).info());
            });
        }
    }

    @Test
    void threadsWriteSlidesInParallelThroughOneWriter() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (PatchStoreWriter writer = PatchStore.create(dir, spec(Compression.ZSTD))) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> writeSlides(writer, 12, "t" + thread + "a", "t" + thread + "b")));
            }
            for (Future<?> f : done) f.get(30, TimeUnit.SECONDS);
            assertThat(writer.completedSlides()).hasSize(8);
        } finally {
            pool.shutdown();
        }
        try (PatchStore store = PatchStore.open(dir)) {
            assertThat(store.size()).isEqualTo(96);
            for (long i = 0; i < store.size(); i++) {
                PatchInfo info = store.info(i);
                assertThat(store.read(i)).isEqualTo(pixels(info.slide(), (int) (info.x() / 1000)));
            }
            store.verify();
        }
    }

    @Test
    void abortedOrUncommittedBatchesLeaveNothing() throws IOException {
        try (PatchStoreWriter writer = PatchStore.create(dir, spec(Compression.NONE))) {
            writeSlides(writer, 5, "kept");
            SlideBatch aborted = writer.beginSlide(slide("aborted"));
            for (int k = 0; k < 40; k++) aborted.add(pixels("aborted", k), meta("aborted", k));
            aborted.abort();
            try (SlideBatch forgotten = writer.beginSlide(slide("forgotten"))) {
                forgotten.add(pixels("forgotten", 0), meta("forgotten", 0));
            }
            SlideBatch open = writer.beginSlide(slide("open"));
            open.add(pixels("open", 0), meta("open", 0));
            assertThat(writer.isComplete("kept")).isTrue();
            assertThat(writer.isComplete("aborted")).isFalse();
        }
        try (PatchStore store = PatchStore.open(dir)) {
            assertThat(store.size()).isEqualTo(5);
            assertThat(store.slides()).extracting(SlideEntry::name).containsExactly("kept");
        }
        try (Stream<Path> files = Files.list(dir.resolve("shards"))) {
            assertThat(files.map(f -> f.getFileName().toString())).allMatch(n -> n.startsWith("kept-"));
        }
    }

    @Test
    void completedSlidesAreKnownAndNotWrittenTwice() {
        try (PatchStoreWriter writer = PatchStore.create(dir, spec(Compression.ZSTD))) {
            writeSlides(writer, 3, "done");
            try (SlideBatch empty = writer.beginSlide(slide("no-tissue"))) {
                empty.commit();
            }
        }
        try (PatchStoreWriter writer = PatchStore.append(dir)) {
            assertThat(writer.completedSlides()).containsExactly("done", "no-tissue");
            assertThat(writer.isComplete("no-tissue")).isTrue();
            assertThatThrownBy(() -> writer.beginSlide(slide("done")))
                    .isInstanceOf(UserException.class).hasMessageContaining("done").hasMessageContaining("already complete");
            SlideBatch first = writer.beginSlide(slide("twice"));
            assertThatThrownBy(() -> writer.beginSlide(slide("twice"))).isInstanceOf(UserException.class);
            first.abort();
        }
        try (PatchStore store = PatchStore.open(dir)) {
            assertThat(store.size()).isEqualTo(3);
            assertThat(store.slides()).hasSize(2);
        }
    }

    @Test
    void appendChecksTheFormat() {
        PatchStore.create(dir, spec(Compression.ZSTD)).close();
        assertThatThrownBy(() -> PatchStore.create(dir, spec(Compression.ZSTD)))
                .isInstanceOf(UserException.class).hasMessageContaining("already exists");
        PatchStoreSpec other = PatchStoreSpec.builder().patchSize(64).labels(LABELS).build();
        assertThatThrownBy(() -> PatchStore.append(dir, other))
                .isInstanceOf(UserException.class).hasMessageContaining("32x32x3").hasMessageContaining("64x64x3");
        PatchStoreSpec raw = PatchStoreSpec.builder().patchSize(SIZE).labels(LABELS).compression(Compression.NONE).build();
        assertThatThrownBy(() -> PatchStore.append(dir, raw)).isInstanceOf(UserException.class);
        // A different zstd level or shard size is not a different format.
        PatchStore.append(dir, PatchStoreSpec.builder().patchSize(SIZE).labels(LABELS).zstdLevel(9).build()).close();
        assertThatThrownBy(() -> PatchStore.append(dir.resolve("nowhere")))
                .isInstanceOf(UserException.class).hasMessageContaining("No patch store");
        assertThatThrownBy(() -> PatchStore.open(dir.resolve("nowhere")))
                .isInstanceOf(UserException.class).hasMessageContaining("nowhere");
    }

    @Test
    void verifyNamesTheCorruptShard() throws IOException {
        try (PatchStoreWriter writer = PatchStore.create(dir, spec(Compression.NONE))) {
            writeSlides(writer, 20, "healthy", "victim");
        }
        Path victim = shardFiles().stream().filter(f -> f.getFileName().toString().startsWith("victim")).findFirst().orElseThrow();
        try (RandomAccessFile file = new RandomAccessFile(victim.toFile(), "rw")) {
            file.seek(100);
            int b = file.read();
            file.seek(100);
            file.write(b ^ 0x10);
        }
        try (PatchStore store = PatchStore.open(dir)) {
            assertThatThrownBy(store::verify).isInstanceOf(UserException.class)
                    .hasMessageContaining("1 of ")
                    .hasMessageContaining(victim.getFileName().toString())
                    .hasMessageContaining("victim");
        }
    }

    @Test
    void truncatedOrMissingShardsAndDamagedManifestsAreNamed() throws IOException {
        try (PatchStoreWriter writer = PatchStore.create(dir, spec(Compression.ZSTD))) {
            writeSlides(writer, 20, "a", "b");
        }
        List<Path> shards = shardFiles();
        Path truncated = shards.get(0);
        try (RandomAccessFile file = new RandomAccessFile(truncated.toFile(), "rw")) {
            file.setLength(file.length() - 10);
        }
        Path missing = shards.get(shards.size() - 1);
        Files.delete(missing);
        try (PatchStore store = PatchStore.open(dir)) {
            assertThatThrownBy(() -> store.read(0)).isInstanceOf(UserException.class)
                    .hasMessageContaining(truncated.getFileName().toString()).hasMessageContaining("truncated");
            assertThatThrownBy(() -> store.read(store.size() - 1)).isInstanceOf(UserException.class)
                    .hasMessageContaining(missing.getFileName().toString()).hasMessageContaining("missing");
            assertThatThrownBy(store::verify).isInstanceOf(UserException.class).hasMessageContaining("2 of");
        }
        Files.writeString(dir.resolve("manifest.json"), "{\"format\": \"histoscale-patch-store\", ");
        assertThatThrownBy(() -> PatchStore.open(dir)).isInstanceOf(UserException.class)
                .hasMessageContaining("manifest.json").hasMessageContaining("damaged");
    }

    @Test
    void killedWriterLeavesNoVisiblePatchesAndItsFilesAreCleanedUp() throws Exception {
        Process writer = startWriter("k", 2, 10, 0, "hang");
        try {
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread pump = pump(writer, lines);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!lines.contains("WRITING") && writer.isAlive() && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(lines).as("child output").contains("COMMITTED k0", "COMMITTED k1", "WRITING");
            writer.destroyForcibly();
            assertThat(writer.waitFor(10, TimeUnit.SECONDS)).isTrue();
            pump.join();
        } finally {
            writer.destroyForcibly();
        }
        assertThat(tempFiles()).isNotEmpty(); // the killed batch's shard and lock
        try (PatchStore store = PatchStore.open(dir)) {
            assertThat(store.slides()).extracting(SlideEntry::name).containsExactly("k0", "k1");
            assertThat(store.size()).isEqualTo(20);
            store.verify();
        }
        PatchStore.append(dir).close();
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void readerSeesOnlyWholeSlidesWhileAnotherProcessAppends() throws Exception {
        int slides = 4, patches = 10;
        PatchStore.create(dir, spec(Compression.ZSTD)).close();
        try (PatchStore store = PatchStore.open(dir)) {
            Process writer = startWriter("p", slides, patches, 15, "commit");
            List<Long> sizesSeen = new ArrayList<>();
            try {
                Thread pump = pump(writer, new CopyOnWriteArrayList<>());
                while (writer.isAlive()) {
                    store.refresh();
                    sizesSeen.add(store.size());
                    for (long i = 0; i < store.size(); i++) {
                        PatchInfo info = store.info(i);
                        assertThat(store.read(i)).isEqualTo(pixels(info.slide(), (int) (info.x() / 1000)));
                    }
                    Thread.sleep(5);
                }
                pump.join();
                assertThat(writer.exitValue()).isZero();
            } finally {
                writer.destroyForcibly();
            }
            store.refresh();
            assertThat(store.size()).isEqualTo((long) slides * patches);
            assertThat(sizesSeen).allMatch(n -> n % patches == 0).contains(0L);
            assertThat(sizesSeen.stream().distinct().count()).as("sizes seen: " + sizesSeen).isGreaterThan(2);
        }
    }

    @Test
    void twoWriterProcessesAppendToOneStore() throws Exception {
        Process a = startWriter("a", 4, 8, 2, "commit");
        Process b = startWriter("b", 4, 8, 2, "commit");
        try {
            Thread pumpA = pump(a, new CopyOnWriteArrayList<>()), pumpB = pump(b, new CopyOnWriteArrayList<>());
            assertThat(a.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(b.waitFor(30, TimeUnit.SECONDS)).isTrue();
            pumpA.join();
            pumpB.join();
            assertThat(a.exitValue()).isZero();
            assertThat(b.exitValue()).isZero();
        } finally {
            a.destroyForcibly();
            b.destroyForcibly();
        }
        try (PatchStore store = PatchStore.open(dir)) {
            assertThat(store.slides()).extracting(SlideEntry::name)
                    .containsExactlyInAnyOrder(IntStream.range(0, 4).boxed()
                            .flatMap(s -> Stream.of("a" + s, "b" + s)).toArray(String[]::new));
            assertThat(store.size()).isEqualTo(64);
            for (long i = 0; i < store.size(); i++) {
                PatchInfo info = store.info(i);
                assertThat(store.read(i)).isEqualTo(pixels(info.slide(), (int) (info.x() / 1000)));
            }
            store.verify();
        }
        assertThat(tempFiles()).isEmpty();
    }

    private Process startWriter(String prefix, int slides, int patches, long pauseMillis, String mode) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(java, "-cp", classPath, TestPatches.class.getName(), dir.toString(), "ZSTD", prefix,
                String.valueOf(slides), String.valueOf(patches), String.valueOf(pauseMillis), mode)
                .redirectErrorStream(true).start();
    }

    /** Collects a child's output lines (also echoed, so a failing child explains itself in the test log). */
    private static Thread pump(Process process, List<String> lines) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.add(line);
                    if (!line.startsWith("COMMITTED") && !line.equals("WRITING")) System.err.println("[child] " + line);
                }
            } catch (IOException e) {
                // the child was killed
            }
        });
        thread.start();
        return thread;
    }

    private List<Path> shardFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("shards"))) {
            return files.filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    private List<Path> tempFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("shards"))) {
            return files.filter(f -> f.getFileName().toString().startsWith(".tmp-")).toList();
        }
    }
}
