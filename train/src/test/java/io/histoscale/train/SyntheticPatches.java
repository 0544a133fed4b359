package io.histoscale.train;

import io.histoscale.dataset.SlideEntry;
import io.histoscale.dataset.store.PatchMeta;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.dataset.store.PatchStoreSpec;
import io.histoscale.dataset.store.PatchStoreWriter;
import io.histoscale.dataset.store.SlideBatch;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A patch store of synthetic H&E-like patches: eosin-pink tissue with haematoxylin nuclei; "tumour" patches have
 * more and larger nuclei than "normal" ones. Each slide is its own patient and holds both classes.
 */
public final class SyntheticPatches {

    static final double[] HEMATOXYLIN = {0.65, 0.70, 0.29};
    static final double[] EOSIN = {0.07, 0.99, 0.11};

    private SyntheticPatches() {
    }

    /** Writes {@code slides} slides of {@code perSlide} patches of {@code size} pixels; every third patch is tumour. */
    public static PatchStore store(Path dir, int slides, int perSlide, int size, long seed) {
        PatchStoreSpec spec = PatchStoreSpec.builder().patchSize(size).labels("normal", "tumour").build();
        try (PatchStoreWriter writer = PatchStore.create(dir, spec)) {
            for (int s = 0; s < slides; s++) {
                try (SlideBatch batch = writer.beginSlide(new SlideEntry("slide-" + s, null, null, 0.5))) {
                    for (int k = 0; k < perSlide; k++) {
                        int label = k % 3 == 0 ? 1 : 0;
                        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + s * 10_007L + k);
                        batch.add(patch(size, label == 1, random), new PatchMeta(label, 0, 64L * k, 64L * s, 0.5,
                                label));
                    }
                    batch.commit();
                }
            }
        }
        return PatchStore.open(dir);
    }

    /** HWC RGB pixels of one patch. */
    public static byte[] patch(int size, boolean tumour, SplittableRandom random) {
        double[][] hematoxylin = new double[size][size];
        int nuclei = tumour ? 6 + random.nextInt(4) : 2 + random.nextInt(3);
        double radius = size * (tumour ? 0.12 : 0.06);
        for (int n = 0; n < nuclei; n++) {
            double cx = random.nextDouble() * size;
            double cy = random.nextDouble() * size;
            double r = radius * (0.8 + 0.4 * random.nextDouble());
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) {
                        hematoxylin[y][x] = 0.9 + 0.3 * random.nextDouble();
                    }
                }
            }
        }
        byte[] rgb = new byte[size * size * 3];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double eosin = 0.35 + 0.1 * random.nextDouble();
                for (int c = 0; c < 3; c++) {
                    double od = hematoxylin[y][x] * HEMATOXYLIN[c] + eosin * EOSIN[c];
                    double v = 255 * Math.exp(-od) + random.nextGaussian() * 3;
                    rgb[3 * (y * size + x) + c] = (byte) Math.max(0, Math.min(255, Math.round(v)));
                }
            }
        }
        return rgb;
    }
}
