package io.histoscale.train.data;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.model.TorchEngine;
import io.histoscale.testkit.SyntheticPatches;
import io.histoscale.train.augment.Augmentation;
import io.histoscale.train.augment.PatchTransform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BatchLoaderTest {

    @TempDir
    static Path tmp;
    static PatchStore store;

    @BeforeAll
    static void createStore() {
        store = PatchStore.open(SyntheticPatches.builder().slides(2).perSlide(40).size(16).seed(1)
                .write(tmp.resolve("store")));
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    static BatchLoader loader(int workers, int prefetch) {
        PatchTransform transform = new PatchTransform(16, 16, 1, 12, Augmentation.standard(), null);
        return BatchLoader.builder(store, transform).setBatchSize(8).optWorkers(workers).optPrefetch(prefetch)
                .optSeed(5).build();
    }

    /** The images of every batch, as float arrays. */
    static List<float[]> images(BatchLoader.Batches batches, NDManager manager) {
        List<float[]> all = new ArrayList<>();
        while (batches.hasNext()) {
            try (NDArray images = batches.next().images(manager)) {
                assertThat(images.getShape().get(1)).isEqualTo(3);
                all.add(images.toFloatArray());
            }
        }
        batches.close();
        return all;
    }

    @Test
    void batchesDoNotDependOnThreadsOrWhereTheEpochResumes() {
        long[] order = SampleOrder.shuffled(store, LongStream.range(0, store.size()).toArray()).epoch(5, 2, 80);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), TorchEngine.get().engine().getEngineName());
             BatchLoader one = loader(1, 1); BatchLoader three = loader(3, 4)) {
            List<float[]> a = images(one.training(order, 2, 0), manager);
            List<float[]> b = images(three.training(order, 2, 0), manager);
            List<float[]> resumed = images(three.training(order, 2, 6), manager);
            List<float[]> otherEpoch = images(three.training(order, 3, 0), manager);
            assertThat(a).hasSize(10);
            for (int i = 0; i < a.size(); i++) {
                assertThat(b.get(i)).isEqualTo(a.get(i));
            }
            assertThat(resumed).hasSize(4);
            for (int i = 0; i < 4; i++) {
                assertThat(resumed.get(i)).isEqualTo(a.get(6 + i));
            }
            assertThat(otherEpoch.get(0)).isNotEqualTo(a.get(0));
        }
    }

    @Test
    void evaluationBatchesAreTheScaledCentreCropsInOrder() {
        long[] indices = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5};
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), TorchEngine.get().engine().getEngineName());
             BatchLoader loader = loader(2, 2)) {
            BatchLoader.Batches batches = loader.evaluation(indices);
            HostBatch first = batches.next();
            assertThat(first.indices()).containsExactly(3, 1, 4, 1, 5, 9, 2, 6);
            assertThat(first.labels()[0]).isEqualTo(store.label(3));
            float[] x;
            try (NDArray images = first.images(manager)) {
                assertThat(images.getShape().getShape()).containsExactly(8, 3, 12, 12);
                x = images.toFloatArray();
            }
            HostBatch last = batches.next();
            assertThat(last.count()).isEqualTo(3);
            assertThat(batches.hasNext()).isFalse();
            batches.close();
            // the first patch's top-left input pixel, red channel: stored pixel (2, 2), scaled
            ByteBuffer stored = ByteBuffer.wrap(store.read(3));
            float red = stored.get(3 * (2 * 16 + 2)) & 0xff;
            assertThat(x[0]).isCloseTo((red / 255 - HostBatch.MEAN) / HostBatch.STD, within(1e-5f));
        }
    }
}
