package io.histoscale.train.step;

import io.histoscale.model.FlatParameters;
import io.histoscale.train.ProcessGroup;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Data parallelism's gradient exchange ({@link TrainStep.Builder#optGradientExchange}): replaces every rank's
 * gradients with their mean over the group, and the batch-norm running statistics too, so that every rank takes the
 * same optimiser step and all replicas stay bit-identical. Optionally checks that they are: before each exchange the
 * ranks compare a checksum of their weights (the result of the previous step; the running statistics have already
 * moved by this step's forward pass, so only {@link #verify} compares them too).
 *
 * <p>Averaging the running statistics makes the running means those of the global batch; the running variances
 * miss the spread between the ranks' batch means, a small bias in the statistics used at inference.
 */
public final class GradientAveraging implements Consumer<FlatParameters> {

    private final ProcessGroup group;
    private final boolean verify;
    private FloatBuffer gradients;
    private FloatBuffer statistics;
    private ByteBuffer weights;
    private long exchanges;
    private long nanos;

    /**
     * @param verify compare the replicas' weights before every exchange and fail with {@link IllegalStateException}
     *               when they differ (costs a checksum of the weights per step)
     */
    public GradientAveraging(ProcessGroup group, boolean verify) {
        this.group = group;
        this.verify = verify;
    }

    @Override
    public void accept(FlatParameters flat) {
        if (verify) {
            verify(flat, false);
        }
        long start = System.nanoTime();
        if (gradients == null) {
            gradients = direct(flat.size()).asFloatBuffer();
            statistics = direct(flat.statisticsSize()).asFloatBuffer();
        }
        gradients.clear();
        flat.readGradients(gradients);
        gradients.flip();
        group.allreduceAverage(gradients);
        gradients.rewind();
        flat.writeGradients(gradients);
        if (flat.statisticsSize() > 0) {
            statistics.clear();
            flat.exportStatistics(statistics);
            statistics.flip();
            group.allreduceAverage(statistics);
            statistics.rewind();
            flat.importStatistics(statistics);
        }
        nanos += System.nanoTime() - start;
        exchanges++;
    }

    /** Makes every rank's weights and statistics rank {@code root}'s, e.g. before the first step. */
    public static void broadcast(ProcessGroup group, FlatParameters flat, int root) {
        FloatBuffer weights = direct(flat.size()).asFloatBuffer();
        flat.exportParameters(weights);
        group.broadcast(weights.flip(), root);
        flat.importParameters(weights.rewind());
        if (flat.statisticsSize() > 0) {
            FloatBuffer stats = direct(flat.statisticsSize()).asFloatBuffer();
            flat.exportStatistics(stats);
            group.broadcast(stats.flip(), root);
            flat.importStatistics(stats.rewind());
        }
    }

    /**
     * Fails unless every rank holds the same weights and statistics as this one.
     *
     * @throws IllegalStateException naming the ranks that differ from rank 0
     */
    public void verify(FlatParameters flat) {
        verify(flat, true);
    }

    private void verify(FlatParameters flat, boolean statisticsToo) {
        if (weights == null) {
            weights = direct(flat.size() + flat.statisticsSize());
        }
        FloatBuffer floats = weights.clear().asFloatBuffer();
        flat.exportParameters(floats);
        if (statisticsToo) {
            flat.exportStatistics(floats);
        }
        CRC32C crc = new CRC32C();
        crc.update(weights.clear().limit(floats.position() * Float.BYTES));
        double[] all = group.allgather(new double[] {crc.getValue()});
        for (int r = 1; r < all.length; r++) {
            if (all[r] != all[0]) {
                throw new IllegalStateException("data-parallel replicas diverged after " + exchanges
                        + " step(s): rank " + r + "'s weights differ from rank 0's");
            }
        }
    }

    /** Exchanges so far. */
    public long exchanges() {
        return exchanges;
    }

    /** Seconds spent exchanging (copying and allreducing), verification excluded. */
    public double seconds() {
        return nanos / 1e9;
    }

    private static ByteBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(Math.max(1, floats) * Float.BYTES).order(ByteOrder.nativeOrder());
    }
}
