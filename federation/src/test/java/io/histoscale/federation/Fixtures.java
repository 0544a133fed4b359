package io.histoscale.federation;

import java.util.Map;
import io.histoscale.dataset.SlideEntry;
import io.histoscale.dataset.store.PatchMeta;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.dataset.store.PatchStoreSpec;
import io.histoscale.dataset.store.PatchStoreWriter;
import io.histoscale.dataset.store.SlideBatch;
import io.histoscale.federation.pki.Pki;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/** Test data: a tiny patch store and a PKI. */
final class Fixtures {

    private Fixtures() {
    }

    /**
     * {@code slides} slides of {@code perSlide} pinkish patches of {@code size} pixels; a tumour patch (every other)
     * has many large dark purple blobs, a normal one a few small ones: easy to learn in a few steps.
     */
    static Path store(Path dir, int slides, int perSlide, int size, long seed) {
        PatchStoreSpec spec = PatchStoreSpec.builder().patchSize(size).labels("normal", "tumour").build();
        try (PatchStoreWriter writer = PatchStore.create(dir, spec)) {
            for (int s = 0; s < slides; s++) {
                try (SlideBatch batch = writer.beginSlide(new SlideEntry("slide-" + s, "patient-" + s, "centre-" + s % 3,
                        0.5))) {
                    for (int k = 0; k < perSlide; k++) {
                        int label = k % 2;
                        SplittableRandom random = new SplittableRandom(seed * 7919 + s * 104_729L + k);
                        batch.add(patch(size, label == 1, random), new PatchMeta(label, 0, 32L * k, 32L * s, 0.5,
                                label));
                    }
                    batch.commit();
                }
            }
        }
        return dir;
    }

    static byte[] patch(int size, boolean tumour, SplittableRandom random) {
        byte[] rgb = new byte[size * size * 3];
        for (int i = 0; i < size * size; i++) {
            rgb[3 * i] = (byte) (225 + random.nextInt(20));
            rgb[3 * i + 1] = (byte) (160 + random.nextInt(30));
            rgb[3 * i + 2] = (byte) (200 + random.nextInt(20));
        }
        int blobs = tumour ? 7 + random.nextInt(3) : 1 + random.nextInt(2);
        double radius = size * (tumour ? 0.13 : 0.06);
        for (int b = 0; b < blobs; b++) {
            double cx = random.nextDouble() * size;
            double cy = random.nextDouble() * size;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius) {
                        int i = 3 * (y * size + x);
                        rgb[i] = (byte) (70 + random.nextInt(20));
                        rgb[i + 1] = (byte) (40 + random.nextInt(20));
                        rgb[i + 2] = (byte) (120 + random.nextInt(20));
                    }
                }
            }
        }
        return rgb;
    }

    /** A quick plan: a small network on 24-pixel inputs, few epochs, everything on 127.0.0.1. */
    static Plan plan(String strategy, Path out, Path pki, int port, Path store, List<String> sites) {
        Plan plan = new Plan();
        plan.strategy = strategy;
        plan.sites = new java.util.ArrayList<>(sites);
        plan.strategySettings().putAll(switch (strategy) {
            case "fedavg" -> Map.of("rounds", 3, "local_epochs", 1);
            case "fedprox" -> Map.of("rounds", 3, "local_epochs", 1, "mu", 0.05);
            case "cyclical" -> Map.of("cycles", 2, "local_epochs", 1);
            case "central" -> Map.of("epochs", 3);
            case "single", "ensemble" -> Map.of("max_epochs", 3, "patience", 1);
            default -> Map.<String, Object>of();
        });
        plan.model.architecture = "small";
        plan.model.inputSize = 24;
        plan.training.put("batch_size", 8);
        plan.training.put("learning_rate", 3e-3);
        plan.listen = "127.0.0.1:" + port;
        plan.pki = pki.toString();
        plan.out = out.toString();
        plan.faults.joinTimeoutSeconds = 180;
        plan.faults.roundTimeoutSeconds = 120;
        plan.test = new Plan.Test();
        plan.test.data = store.toString();
        return plan;
    }

    /** A CA with certificates for the coordinator and the given sites. */
    static Path pki(Path dir, List<String> sites) {
        Pki pki = Pki.init(dir, "test-federation-ca");
        pki.issue("coordinator", List.of());
        sites.forEach(s -> pki.issue(s, List.of()));
        return dir;
    }
}
