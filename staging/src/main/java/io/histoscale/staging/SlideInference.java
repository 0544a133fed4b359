package io.histoscale.staging;

import io.histoscale.dataset.tile.PatchReader;
import io.histoscale.slide.Slide;
import io.histoscale.slide.tissue.PatchGrid;
import io.histoscale.slide.tissue.TissueMask;
import io.histoscale.slide.tissue.TissueOptions;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Sliding-window prediction over the tissue of a slide: a probability heatmap at the model's MPP.
 *
 * <p>Reader threads cut patches into batch buffers while the model works on the previous batch, so a fast device
 * is fed; the time the model thread spends waiting for a batch is measured, to show whether reading keeps up.
 */
public final class SlideInference {

    /**
     * @param heatmap       tumour probability per grid cell, NaN off tissue
     * @param mask          the tissue mask used
     * @param patches       patches predicted
     * @param seconds       wall time, tissue detection included
     * @param ioWaitSeconds time the model waited for batches
     */
    public record Result(Heatmap heatmap, TissueMask mask, PatchGrid grid, long patches, double seconds,
                         double ioWaitSeconds) {
        public double patchesPerSecond() {
            return seconds > 0 ? patches / seconds : 0;
        }

        public double ioWaitShare() {
            return seconds > 0 ? ioWaitSeconds / seconds : 0;
        }
    }

    private final int stride;
    private final int batchSize;
    private final int readers;
    private final double minTissue;

    private SlideInference(Builder b) {
        stride = b.stride;
        batchSize = b.batchSize;
        readers = b.readers;
        minTissue = b.minTissue;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Predicts every tissue patch of {@code slide}; {@code progress} gets patch counts as batches finish. A slide whose
     * file records no resolution needs one assumed: pass it wrapped with
     * {@link io.histoscale.slide.Slides#withAssumedMpp}.
     */
    public Result run(Slide slide, PatchClassifier model, IntConsumer progress) {
        long start = System.nanoTime();
        int size = model.patchSize();
        TissueMask mask = TissueMask.detect(slide, TissueOptions.defaults());
        PatchGrid grid = PatchGrid.builder(slide).setMpp(model.mpp()).setPatchSize(size)
                .optStride(stride == 0 ? size : stride).optTissue(mask, minTissue).build();
        Heatmap heatmap = Heatmap.empty(HeatmapGeometry.of(grid));
        List<PatchGrid.Cell> patches = grid.patches();
        int batches = (patches.size() + batchSize - 1) / batchSize;
        PatchReader reader = new PatchReader(slide, grid);
        int patchBytes = size * size * 3;
        // Batches are read in order by a pool and handed over through futures, two per reader in flight.
        ExecutorService pool = Executors.newFixedThreadPool(readers, r -> {
            Thread t = new Thread(r, "infer-read");
            t.setDaemon(true);
            return t;
        });
        BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(2 * readers + 1);
        for (int i = 0; i < 2 * readers + 1; i++) free.add(ByteBuffer.allocateDirect(batchSize * patchBytes));
        long waitNanos = 0;
        try {
            java.util.ArrayDeque<Future<ByteBuffer>> inFlight = new java.util.ArrayDeque<>();
            int next = 0;
            for (int b = 0; b < batches; b++) {
                while (next < batches && inFlight.size() < 2 * readers) {
                    int first = next * batchSize, last = Math.min(patches.size(), first + batchSize);
                    inFlight.add(pool.submit(() -> {
                        ByteBuffer buf = free.take();
                        buf.clear();
                        for (int i = first; i < last; i++) buf.put(reader.read(patches.get(i)));
                        buf.flip();
                        return buf;
                    }));
                    next++;
                }
                long w0 = System.nanoTime();
                ByteBuffer batch = inFlight.poll().get();
                waitNanos += System.nanoTime() - w0;
                int first = b * batchSize, count = Math.min(batchSize, patches.size() - first);
                float[] p = model.tumourProbabilities(batch, count);
                free.add(batch);
                for (int i = 0; i < count; i++) {
                    PatchGrid.Cell patch = patches.get(first + i);
                    heatmap.set(patch.column(), patch.row(), p[i]);
                }
                progress.accept(count);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("inference interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new Result(heatmap, mask, grid, patches.size(), (System.nanoTime() - start) / 1e9, waitNanos / 1e9);
    }

    public static final class Builder {
        private int stride;
        private int batchSize = 64;
        private int readers = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        private double minTissue = 0.25;

        /** Step between patches in pixels (default: the patch size). A smaller stride gives a finer heatmap. */
        public Builder optStride(int stride) {
            this.stride = stride;
            return this;
        }

        public Builder optBatchSize(int batchSize) {
            this.batchSize = Math.max(1, batchSize);
            return this;
        }

        /** Threads reading and cutting patches while the model computes. */
        public Builder optReaders(int readers) {
            this.readers = Math.max(1, readers);
            return this;
        }

        /** Minimum tissue share of a patch to be predicted (default 0.25: lesions at the tissue edge count). */
        public Builder optMinTissue(double minTissue) {
            this.minTissue = minTissue;
            return this;
        }

        public SlideInference build() {
            return new SlideInference(this);
        }
    }
}
