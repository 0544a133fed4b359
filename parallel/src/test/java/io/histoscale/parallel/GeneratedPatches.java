package io.histoscale.parallel;

import io.histoscale.dataset.SlideEntry;
import io.histoscale.dataset.store.PatchMeta;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.dataset.store.PatchStoreSpec;
import io.histoscale.dataset.store.PatchStoreWriter;
import io.histoscale.dataset.store.SlideBatch;

import java.nio.file.Path;
import java.util.SplittableRandom;

/** A small patch store of noisy pink patches; "tumour" ones (every third) are darker and bluer. */
final class GeneratedPatches {

    private GeneratedPatches() {
    }

    static void store(Path dir, int slides, int perSlide, int size, long seed) {
        PatchStoreSpec spec = PatchStoreSpec.builder().patchSize(size).labels("normal", "tumour").build();
        try (PatchStoreWriter writer = PatchStore.create(dir, spec)) {
            for (int s = 0; s < slides; s++) {
                try (SlideBatch batch = writer.beginSlide(new SlideEntry("slide-" + s, null, null, 0.5))) {
                    for (int k = 0; k < perSlide; k++) {
                        int label = k % 3 == 0 ? 1 : 0;
                        SplittableRandom random = new SplittableRandom(seed * 7_919L + s * 1_009L + k);
                        byte[] rgb = new byte[size * size * 3];
                        int[] base = label == 1 ? new int[] {150, 90, 170} : new int[] {230, 170, 200};
                        for (int i = 0; i < rgb.length; i++) {
                            rgb[i] = (byte) Math.max(0, Math.min(255, base[i % 3] + random.nextInt(61) - 30));
                        }
                        batch.add(rgb, new PatchMeta(label, 0, 64L * k, 64L * s, 0.5, label));
                    }
                    batch.commit();
                }
            }
        }
    }
}
