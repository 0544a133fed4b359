package io.histoscale.parallel;

import ai.djl.ndarray.NDManager;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.model.TorchEngine;
import io.histoscale.testkit.SyntheticPatches;
import io.histoscale.train.augment.Augmentation;
import io.histoscale.train.augment.PatchTransform;
import io.histoscale.train.data.BatchLoader;
import io.histoscale.train.data.HostBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Each rank's batch k is its part of the single process's global batch k: same patches, same augmentation. */
class ShardedBatchesTest {

    @TempDir
    Path tmp;

    @Test
    void theRanksBatchesTogetherAreTheGlobalBatch() {
        SyntheticPatches.builder().slides(2).perSlide(30).size(16).seed(1).write(tmp.resolve("store"));
        long[] order = LongStream.range(0, 48).map(i -> (i * 17) % 60).toArray();
        try (PatchStore store = PatchStore.open(tmp.resolve("store"));
             NDManager manager = NDManager.newBaseManager(TorchEngine.get().device("cpu"))) {
            PatchTransform transform = new PatchTransform(16, 16, 1, 16, new Augmentation(true, true, true, 0.05,
                    0.1), null);
            List<float[]> global = batches(store, transform, 12, order, 0, 1, manager);
            List<float[]> rank0 = batches(store, transform, 6, order, 0, 2, manager);
            List<float[]> rank1 = batches(store, transform, 6, order, 1, 2, manager);
            assertThat(global).hasSize(4);
            assertThat(rank0).hasSize(4);
            for (int k = 0; k < 4; k++) {
                float[] joined = new float[global.get(k).length];
                System.arraycopy(rank0.get(k), 0, joined, 0, joined.length / 2);
                System.arraycopy(rank1.get(k), 0, joined, joined.length / 2, joined.length / 2);
                assertThat(joined).as("global batch %d", k).isEqualTo(global.get(k));
                assertThat(rank0.get(k)).isNotEqualTo(rank1.get(k));
            }
        }
    }

    private static List<float[]> batches(PatchStore store, PatchTransform transform, int batch, long[] order,
                                         int rank, int ranks, NDManager manager) {
        List<float[]> out = new ArrayList<>();
        try (BatchLoader loader = BatchLoader.builder(store, transform).setBatchSize(batch).optWorkers(2)
                .optSeed(9).build();
             BatchLoader.Batches batches = loader.training(order, 3, 0, rank, ranks)) {
            while (batches.hasNext()) {
                HostBatch b = batches.next();
                out.add(b.images(manager).toFloatArray());
            }
        }
        return out;
    }
}
