package io.histoscale.dataset.store;

import io.histoscale.dataset.SlideEntry;

import java.nio.file.Path;
import java.util.SplittableRandom;

/** Deterministic test patches: pixels and metadata follow from the slide name and patch number alone. */
final class TestPatches {
    static final int SIZE = 32;
    static final String[] LABELS = {"normal", "tumour"};

    private TestPatches() {
    }

    static PatchStoreSpec spec(Compression compression) {
        // Small shards, so that a slide of a few dozen patches spans several shard files.
        return PatchStoreSpec.builder().patchSize(SIZE).labels(LABELS).compression(compression).maxShardBytes(12_000).build();
    }

    /** Smooth colour ramps plus noise: compressible, yet different for every patch. */
    static byte[] pixels(String slide, int k) {
        SplittableRandom random = new SplittableRandom(slide.hashCode() * 31L + k);
        byte[] rgb = new byte[SIZE * SIZE * 3];
        for (int p = 0; p < SIZE * SIZE; p++) {
            int noise = random.nextInt(8);
            rgb[3 * p] = (byte) (200 + p % SIZE + noise);
            rgb[3 * p + 1] = (byte) (100 + p / SIZE + k);
            rgb[3 * p + 2] = (byte) (150 + noise * k);
        }
        return rgb;
    }

    static PatchMeta meta(String slide, int k) {
        return new PatchMeta((slide.hashCode() + k) & 1, k % 3, 1000L * k, 5_000_000_000L + k, 0.25 * (1 << (k % 3)), k / 100f);
    }

    static SlideEntry slide(String name) {
        return new SlideEntry(name, "patient-" + name, "centre-" + (name.length() % 2), 0.25);
    }

    /** Writes {@code patches} patches for each slide name, committing slide by slide. */
    static void writeSlides(PatchStoreWriter writer, int patches, String... slides) {
        for (String name : slides) {
            try (SlideBatch batch = writer.beginSlide(slide(name))) {
                for (int k = 0; k < patches; k++) batch.add(pixels(name, k), meta(name, k));
                batch.commit();
            }
        }
    }

    /**
     * A writer in its own JVM, for tests of what other processes see: {@code <dir> <NONE|ZSTD> <slide prefix> <slides>
     * <patches per slide> <millis between patches> <commit|hang>}. Prints "COMMITTED name" after each slide; in hang
     * mode it then starts one more slide, prints "WRITING" halfway and waits to be killed.
     */
    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[0]);
        Compression compression = Compression.valueOf(args[1]);
        String prefix = args[2];
        int slides = Integer.parseInt(args[3]);
        int patches = Integer.parseInt(args[4]);
        long pause = Long.parseLong(args[5]);
        boolean hang = args[6].equals("hang");
        try (PatchStoreWriter writer = PatchStore.append(dir, spec(compression))) {
            for (int s = 0; s < slides; s++) {
                String name = prefix + s;
                try (SlideBatch batch = writer.beginSlide(slide(name))) {
                    for (int k = 0; k < patches; k++) {
                        batch.add(pixels(name, k), meta(name, k));
                        Thread.sleep(pause);
                    }
                    batch.commit();
                }
                System.out.println("COMMITTED " + name);
                System.out.flush();
            }
            if (hang) {
                SlideBatch batch = writer.beginSlide(slide(prefix + "unfinished"));
                for (int k = 0; k < patches; k++) batch.add(pixels(prefix + "unfinished", k), meta(prefix + "unfinished", k));
                System.out.println("WRITING");
                System.out.flush();
                Thread.sleep(60_000);
            }
        }
    }
}
