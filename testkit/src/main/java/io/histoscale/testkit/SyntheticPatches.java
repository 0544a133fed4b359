package io.histoscale.testkit;

import io.histoscale.dataset.SlideEntry;
import io.histoscale.dataset.store.PatchMeta;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.dataset.store.PatchStoreSpec;
import io.histoscale.dataset.store.PatchStoreWriter;
import io.histoscale.dataset.store.SlideBatch;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The tests' patch store of synthetic H&E-like patches: eosin-pink tissue with haematoxylin nuclei; "tumour" patches
 * have more and larger nuclei than "normal" ones, so a small network learns them in a few steps. Pixels follow from
 * the seed, slide and patch number alone.
 *
 * <pre>{@code
 * Path store = SyntheticPatches.builder().slides(6).perSlide(24).size(24).tumourEvery(2).write(dir);
 * }</pre>
 */
public final class SyntheticPatches {

    static final double[] HEMATOXYLIN = {0.65, 0.70, 0.29};
    static final double[] EOSIN = {0.07, 0.99, 0.11};

    private int slides = 4;
    private int perSlide = 24;
    private int size = 32;
    private long seed = 1;
    private int tumourEvery = 3;
    private List<String> labels = List.of("normal", "tumour");
    private int tumourLabel = 1;
    private int slidesPerPatient = 1;
    private int centres = 3;
    private double mpp = 0.5;

    private SyntheticPatches() {
    }

    public static SyntheticPatches builder() {
        return new SyntheticPatches();
    }

    public SyntheticPatches slides(int slides) {
        this.slides = slides;
        return this;
    }

    public SyntheticPatches perSlide(int perSlide) {
        this.perSlide = perSlide;
        return this;
    }

    /** Patch side in pixels (default 32). */
    public SyntheticPatches size(int size) {
        this.size = size;
        return this;
    }

    public SyntheticPatches seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Patch {@code k} of each slide is tumour when {@code k % n == 0} (default 3). */
    public SyntheticPatches tumourEvery(int n) {
        this.tumourEvery = n;
        return this;
    }

    /**
     * Class names, in the store's order, and which of them the tumour-looking patches carry (default
     * {@code [normal, tumour]}, 1); the other patches carry the first other class.
     */
    public SyntheticPatches labels(List<String> labels, int tumourLabel) {
        this.labels = List.copyOf(labels);
        this.tumourLabel = tumourLabel;
        return this;
    }

    /** Consecutive slides sharing a patient (default 1: each slide its own patient). */
    public SyntheticPatches slidesPerPatient(int n) {
        this.slidesPerPatient = n;
        return this;
    }

    /** Slides are spread round-robin over this many centres (default 3). */
    public SyntheticPatches centres(int n) {
        this.centres = n;
        return this;
    }

    /** µm per pixel the store records for its patches and slides (default 0.5). */
    public SyntheticPatches mpp(double mpp) {
        this.mpp = mpp;
        return this;
    }

    /** Writes the store into {@code dir} (which must not hold one) and returns {@code dir}. */
    public Path write(Path dir) {
        int normalLabel = tumourLabel == 0 ? 1 : 0;
        PatchStoreSpec spec = PatchStoreSpec.builder().patchSize(size).labels(labels.toArray(String[]::new)).build();
        try (PatchStoreWriter writer = PatchStore.create(dir, spec)) {
            for (int s = 0; s < slides; s++) {
                SlideEntry slide = new SlideEntry("slide-" + s, "patient-" + s / slidesPerPatient,
                        "centre-" + s % centres, mpp);
                try (SlideBatch batch = writer.beginSlide(slide)) {
                    for (int k = 0; k < perSlide; k++) {
                        boolean tumour = k % tumourEvery == 0;
                        int label = tumour ? tumourLabel : normalLabel;
                        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + s * 10_007L + k);
                        batch.add(patch(size, tumour, random), new PatchMeta(label, 0, 64L * k, 64L * s, mpp,
                                tumour ? 1 : 0));
                    }
                    batch.commit();
                }
            }
        }
        return dir;
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
