package io.histoscale.train.data;

import io.histoscale.core.UserException;
import io.histoscale.dataset.PatchSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which patches an epoch trains on, in which order: a pure function of the run's seed and the epoch.
 *
 * <p>{@link #shuffled} keeps reads local in a sharded store: runs of consecutive patches of one slide (as shards hold
 * them) are cut into blocks, the blocks are shuffled, and patches are shuffled within windows of a few blocks. A
 * window that covers all patches is a full shuffle. {@link #balanced} draws every class equally often (with
 * replacement), for rare classes such as tumour.
 */
public final class SampleOrder {

    /** Patches per block of consecutive patches. */
    public static final int BLOCK = 512;
    /** Blocks per shuffle window. */
    public static final int WINDOW = 16;

    private final long[][] blocks;
    private final long[][] classes;

    private SampleOrder(long[][] blocks, long[][] classes) {
        this.blocks = blocks;
        this.classes = classes;
    }

    /** Shard-wise shuffling of {@code indices} (sorted ascending, as splits give them). */
    public static SampleOrder shuffled(PatchSource source, long[] indices) {
        List<long[]> blocks = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= indices.length; i++) {
            boolean cut = i == indices.length || i - start == BLOCK || indices[i] != indices[i - 1] + 1
                    || source.slideIndex(indices[i]) != source.slideIndex(indices[i - 1]);
            if (cut) {
                blocks.add(Arrays.copyOfRange(indices, start, i));
                start = i;
            }
        }
        if (blocks.isEmpty()) {
            throw new UserException("no patches to train on: the training split is empty");
        }
        return new SampleOrder(blocks.toArray(long[][]::new), null);
    }

    /**
     * Class-balanced sampling of {@code indices}: each draw picks a class present among them uniformly, then one of
     * its patches.
     *
     * @throws UserException when a patch is unlabelled or there is only one class
     */
    public static SampleOrder balanced(PatchSource source, long[] indices) {
        int k = source.labelNames().size();
        List<List<Long>> byClass = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            byClass.add(new ArrayList<>());
        }
        for (long i : indices) {
            int label = source.label(i);
            if (label < 0) {
                throw new UserException("patch " + i + " is unlabelled: training needs labelled patches");
            }
            byClass.get(label).add(i);
        }
        long[][] classes = byClass.stream().filter(l -> !l.isEmpty())
                .map(l -> l.stream().mapToLong(Long::longValue).toArray()).toArray(long[][]::new);
        if (classes.length < 2) {
            throw UserException.forKey("balance", "is impossible: the training split holds only one class");
        }
        return new SampleOrder(null, classes);
    }

    /** The patches of {@code epoch}, {@code count} of them (repeating passes over the data when that is more). */
    public long[] epoch(long seed, int epoch, int count) {
        return blocks != null ? shuffledEpoch(seed, epoch, count) : balancedEpoch(seed, epoch, count);
    }

    private long[] shuffledEpoch(long seed, int epoch, int count) {
        long[] order = new long[count];
        int filled = 0;
        for (int pass = 0; filled < count; pass++) {
            SplittableRandom random = Seeds.random(seed, Seeds.SAMPLE_ORDER, epoch, pass);
            int[] blockOrder = permutation(blocks.length, random);
            for (int w = 0; w < blockOrder.length && filled < count; w += WINDOW) {
                int size = 0;
                for (int b = w; b < Math.min(blockOrder.length, w + WINDOW); b++) {
                    size += blocks[blockOrder[b]].length;
                }
                long[] window = new long[size];
                int at = 0;
                for (int b = w; b < Math.min(blockOrder.length, w + WINDOW); b++) {
                    long[] block = blocks[blockOrder[b]];
                    System.arraycopy(block, 0, window, at, block.length);
                    at += block.length;
                }
                shuffle(window, random);
                int take = Math.min(window.length, count - filled);
                System.arraycopy(window, 0, order, filled, take);
                filled += take;
            }
        }
        return order;
    }

    private long[] balancedEpoch(long seed, int epoch, int count) {
        SplittableRandom random = Seeds.random(seed, Seeds.SAMPLE_ORDER, epoch);
        long[] order = new long[count];
        for (int i = 0; i < count; i++) {
            long[] members = classes[random.nextInt(classes.length)];
            order[i] = members[random.nextInt(members.length)];
        }
        return order;
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static void shuffle(long[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }
}
