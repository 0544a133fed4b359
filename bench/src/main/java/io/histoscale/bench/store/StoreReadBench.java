package io.histoscale.bench.store;

import io.histoscale.bench.Peers;
import io.histoscale.dataset.PatchSource;
import io.histoscale.dataset.SlideEntry;
import io.histoscale.dataset.folder.ImageFolder;
import io.histoscale.dataset.store.Compression;
import io.histoscale.dataset.store.PatchMeta;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.dataset.store.PatchStoreSpec;
import io.histoscale.dataset.store.PatchStoreWriter;
import io.histoscale.dataset.store.SlideBatch;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How fast a patch store feeds training: threads fill batches of patches into direct buffers, as a data loader
 * handing batches to a GPU does.
 */
public final class StoreReadBench {
    /** Patches per batch buffer. */
    static final int BATCH = 64;

    public enum Order {
        /** Uniformly random indices, as a shuffling data loader reads. */
        RANDOM,
        /** Each thread reads its own contiguous run of the store. */
        SEQUENTIAL
    }

    public record Result(Order order, int threads, long patches, double seconds, int patchBytes) {
        public double patchesPerSecond() {
            return patches / seconds;
        }

        public double megabytesPerSecond() {
            return patchesPerSecond() * patchBytes / 1e6;
        }

        @Override
        public String toString() {
            return String.format("%-10s %2d threads  %9.0f patches/s  %6.0f MB/s", order, threads, patchesPerSecond(),
                    megabytesPerSecond());
        }
    }

    private StoreReadBench() {
    }

    public static Result run(Path dir, int threads, Order order, long patches) {
        try (PatchStore store = PatchStore.open(dir)) {
            return run(store, threads, order, patches);
        }
    }

    /** Reads {@code patches} patches (at least one batch per thread) with {@code threads} threads. */
    public static Result run(PatchStore store, int threads, Order order, long patches) {
        long size = store.size();
        if (size == 0) throw new IllegalArgumentException("The store " + store.directory() + " is empty");
        long perThread = Math.max(BATCH, patches / threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            SplittableRandom seeds = new SplittableRandom(threads);
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                SplittableRandom random = seeds.split();
                long first = size * t / threads;
                done.add(pool.submit(() -> {
                    ByteBuffer batch = ByteBuffer.allocateDirect(BATCH * store.patchBytes());
                    for (long n = 0; n < perThread; n++) {
                        if (n % BATCH == 0) batch.clear();
                        long i = order == Order.RANDOM ? random.nextLong(size) : (first + n) % size;
                        store.read(i, batch);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(order, threads, perThread * threads, seconds, store.patchBytes());
        } catch (Exception e) {
            throw new IllegalStateException("Benchmark failed", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Builds a raw and a zstd store of 224 × 224 patches cut from real images and measures both.
     * Arguments: {@code [image folder] [work dir] [patches] [max threads] [zstd level]}; defaults: the shared
     * Camelyon16 patches, a temporary directory, 8000, the number of processors, the store default. The stores are
     * deleted afterwards.
     */
    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args.length > 0 ? args[0] : System.getProperty("histoscale.shared.data", "../shared/data")
                + "/camelyon16-patches-didsr");
        Path work = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("histoscale-bench");
        int patches = args.length > 2 ? Integer.parseInt(args[2]) : 8000;
        int maxThreads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        PatchStoreSpec.Builder spec = PatchStoreSpec.builder().patchSize(224);
        if (args.length > 4) spec.zstdLevel(Integer.parseInt(args[4]));
        ImageFolder images = ImageFolder.open(folder, 256);
        try {
            for (Compression compression : Compression.values()) {
                Path dir = work.resolve(compression.name().toLowerCase());
                long t0 = System.nanoTime();
                fill(dir, spec.labels(images.labelNames()).compression(compression).build(), images, patches, maxThreads);
                double writeSeconds = (System.nanoTime() - t0) / 1e9;
                try (PatchStore store = PatchStore.open(dir)) {
                    long bytes = store.bytesOnDisk();
                    System.out.printf("%s (level %d): %d patches of 224x224x3 written in %.1f s (%.0f patches/s), %.1f MB on disk (%.2f of raw)%n",
                            compression, store.spec().zstdLevel(), store.size(), writeSeconds, store.size() / writeSeconds, bytes / 1e6,
                            bytes / (double) (store.size() * store.patchBytes()));
                    run(store, maxThreads, Order.SEQUENTIAL, store.size()); // warm the page cache and the JIT
                    long v0 = System.nanoTime();
                    store.verify();
                    System.out.printf("  verify (CRC32C of every shard, a read of every patch): %.0f MB/s%n", bytes / ((System.nanoTime() - v0) / 1e3));
                    for (Order order : Order.values()) {
                        for (int threads = 1; threads <= maxThreads; threads *= 2) {
                            System.out.println("  " + run(store, threads, order, 4L * patches));
                        }
                    }
                }
            }
        } finally {
            Peers.deleteTree(work);
        }
    }

    /** Writes {@code patches} random 224² crops (with flips) of the folder's images, as slides of 500 on several threads. */
    private static void fill(Path dir, PatchStoreSpec spec, PatchSource images, int patches, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (PatchStoreWriter writer = PatchStore.create(dir, spec)) {
            List<Future<?>> done = new ArrayList<>();
            for (int first = 0; first < patches; first += 500) {
                int from = first, to = Math.min(patches, first + 500);
                done.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(from);
                    byte[] crop = new byte[spec.patchBytes()];
                    try (SlideBatch batch = writer.beginSlide(SlideEntry.of("bench-" + from))) {
                        for (int k = from; k < to; k++) {
                            long source = random.nextLong(images.size());
                            cropFlipped(images.read(source), crop, random);
                            batch.add(crop, new PatchMeta(images.label(source), 0, k, 0, 0.25, Float.NaN));
                        }
                        batch.commit();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdown();
        }
    }

    private static void cropFlipped(byte[] rgb256, byte[] out, SplittableRandom random) {
        int dx = random.nextInt(33), dy = random.nextInt(33);
        boolean flip = random.nextBoolean();
        for (int y = 0; y < 224; y++) {
            for (int x = 0; x < 224; x++) {
                int from = 3 * ((y + dy) * 256 + (flip ? 255 - x - dx : x + dx));
                System.arraycopy(rgb256, from, out, 3 * (y * 224 + x), 3);
            }
        }
    }
}
