package io.histoscale.train.data;

import io.histoscale.core.UserException;
import io.histoscale.dataset.PatchSource;
import io.histoscale.train.augment.PatchTransform;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads, transforms and batches patches on worker threads, a few batches ahead of the consumer.
 *
 * <p>Each batch is split among the workers; its pixels go straight into one of a small pool of direct buffers, from
 * which {@link HostBatch#images} makes the device array. A training sample's augmentation is drawn from
 * {@code Seeds.random(seed, AUGMENTATION, epoch, position in the epoch)}, so batches are the same whatever the thread
 * timing, and a resumed epoch continues with exactly the batches it would have had.
 */
public final class BatchLoader implements AutoCloseable {

    private static final AtomicInteger LOADERS = new AtomicInteger();

    private final PatchSource source;
    private final PatchTransform transform;
    private final int batchSize;
    private final int workers;
    private final int prefetch;
    private final long seed;
    private final ExecutorService pool;
    private final BlockingQueue<ByteBuffer> buffers;

    private BatchLoader(Builder b) {
        this.source = b.source;
        this.transform = b.transform;
        this.batchSize = b.batchSize;
        this.workers = b.workers;
        this.prefetch = b.prefetch;
        this.seed = b.seed;
        int id = LOADERS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "histoscale-loader-" + id + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = Executors.newFixedThreadPool(workers, factory);
        this.buffers = new ArrayBlockingQueue<>(prefetch + 1);
        for (int i = 0; i <= prefetch; i++) {
            buffers.add(ByteBuffer.allocateDirect(batchSize * transform.outputBytes()).order(ByteOrder.nativeOrder()));
        }
    }

    public static Builder builder(PatchSource source, PatchTransform transform) {
        return new Builder(source, transform);
    }

    /**
     * Augmented batches of an epoch's patch order, from batch {@code firstBatch} on; sample {@code i} of the order
     * gets the augmentation of {@code Seeds.random(seed, AUGMENTATION, epoch, i)}.
     */
    public Batches training(long[] order, int epoch, int firstBatch) {
        return training(order, epoch, firstBatch, 0, 1);
    }

    /**
     * Rank {@code rank}'s share of an epoch of data-parallel training over {@code ranks} processes: batch {@code k}
     * holds samples {@code [k·B·ranks + rank·B, … + B)} of {@code order} (B the batch size), so the ranks' batches
     * together make the global batch {@code k} of one process with batch {@code B·ranks}, with the same augmentation.
     * {@code firstBatch} counts global batches.
     */
    public Batches training(long[] order, int epoch, int firstBatch, int rank, int ranks) {
        return new Batches(order, epoch, firstBatch, true, rank, ranks);
    }

    /** Batches of the evaluation inputs of {@code indices}, in that order. */
    public Batches evaluation(long[] indices) {
        return new Batches(indices, 0, 0, false, 0, 1);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** The batches of one pass; take them in order, each valid until the next is taken. */
    public final class Batches implements Iterator<HostBatch>, AutoCloseable {
        private final long[] order;
        private final int epoch;
        private final boolean augment;
        private final int rank;
        private final int ranks;
        private final int count;
        private int scheduled;
        private final Deque<Pending> inFlight = new ArrayDeque<>();
        private ByteBuffer held;

        private record Pending(ByteBuffer buffer, HostBatch batch, CompletableFuture<Void> done) {
        }

        private Batches(long[] order, int epoch, int firstBatch, boolean augment, int rank, int ranks) {
            this.order = order;
            this.epoch = epoch;
            this.augment = augment;
            this.rank = rank;
            this.ranks = ranks;
            long global = (long) batchSize * ranks;
            this.count = (int) ((order.length + global - 1) / global);
            this.scheduled = firstBatch;
        }

        @Override
        public boolean hasNext() {
            return !inFlight.isEmpty() || scheduled < count;
        }

        @Override
        public HostBatch next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            release();
            while (scheduled < count && inFlight.size() < prefetch) {
                ByteBuffer buffer = buffers.poll();
                if (buffer == null) {
                    break;
                }
                inFlight.add(schedule(scheduled++, buffer));
            }
            Pending head = inFlight.poll();
            held = head.buffer;
            try {
                head.done.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            return head.batch;
        }

        /** Waits for batches still being filled, then returns every buffer to the pool. */
        @Override
        public void close() {
            release();
            for (Pending p; (p = inFlight.poll()) != null; ) {
                try {
                    p.done.join();
                } catch (CompletionException e) {
                    // the pass is being abandoned; its failure was or will be reported elsewhere
                }
                buffers.add(p.buffer);
            }
        }

        private void release() {
            if (held != null) {
                buffers.add(held);
                held = null;
            }
        }

        private Pending schedule(int number, ByteBuffer buffer) {
            int from = (number * ranks + rank) * batchSize;
            int n = Math.max(0, Math.min(batchSize, order.length - from));
            long[] indices = new long[n];
            int[] labels = new int[n];
            System.arraycopy(order, from, indices, 0, n);
            int chunk = (n + workers - 1) / workers;
            List<CompletableFuture<Void>> parts = new ArrayList<>();
            for (int start = 0; start < n; start += chunk) {
                int first = start;
                int end = Math.min(n, start + chunk);
                parts.add(CompletableFuture.runAsync(() -> fill(buffer, indices, labels, from, first, end), pool));
            }
            HostBatch batch = new HostBatch(buffer, indices, labels, transform.size());
            return new Pending(buffer, batch, CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)));
        }

        private void fill(ByteBuffer buffer, long[] indices, int[] labels, int offset, int first, int end) {
            byte[] pixels = new byte[source.patchBytes()];
            ByteBuffer out = buffer.duplicate();
            for (int j = first; j < end; j++) {
                long index = indices[j];
                source.read(index, ByteBuffer.wrap(pixels));
                labels[j] = source.label(index);
                out.position(j * transform.outputBytes());
                SplittableRandom random = augment ? Seeds.random(seed, Seeds.AUGMENTATION, epoch, offset + j) : null;
                transform.apply(pixels, out, random);
            }
        }
    }

    /** Builds a {@link BatchLoader}; source and transform are required. */
    public static final class Builder {
        private final PatchSource source;
        private final PatchTransform transform;
        private int batchSize = 32;
        private int workers = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        private int prefetch = 4;
        private long seed;

        private Builder(PatchSource source, PatchTransform transform) {
            this.source = source;
            this.transform = transform;
        }

        public Builder setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Worker threads reading and transforming patches (default: half the cores, at least 1). */
        public Builder optWorkers(int workers) {
            this.workers = workers;
            return this;
        }

        /** Batches prepared ahead of the consumer (default 4). */
        public Builder optPrefetch(int prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        /** Seed of the training augmentation (default 0). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @throws UserException for a value out of range */
        public BatchLoader build() {
            if (batchSize < 1 || workers < 1 || prefetch < 1) {
                throw new UserException("batch_size, workers and prefetch must be at least 1 (got " + batchSize
                        + ", " + workers + ", " + prefetch + ")");
            }
            if (source.channels() != 3) {
                throw new UserException("the patches have " + source.channels() + " channel(s); training takes RGB "
                        + "patches (3 channels)");
            }
            return new BatchLoader(this);
        }
    }
}
