package io.histoscale.parallel;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;

/**
 * Ranks as threads of one process: for tests, and for several devices of one machine. Each rank (thread) uses its
 * own communicator from {@link #group}; a collective returns once every rank has called it. Sums are taken in rank
 * order, so every rank gets the same floats.
 */
public final class LocalCommunicator implements Communicator {

    /** What the ranks of one group share. */
    private static final class World {
        final int size;
        final CyclicBarrier barrier;
        final FloatBuffer[] buffers;
        final double[][] values;
        volatile boolean aborted;

        World(int size) {
            this.size = size;
            this.barrier = new CyclicBarrier(size);
            this.buffers = new FloatBuffer[size];
            this.values = new double[size][];
        }
    }

    private final World world;
    private final int rank;

    private LocalCommunicator(World world, int rank) {
        this.world = world;
        this.rank = rank;
    }

    /** The communicators of a new group of {@code size} ranks; give each to its own thread. */
    public static List<Communicator> group(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a group needs at least one rank");
        }
        World world = new World(size);
        List<Communicator> ranks = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            ranks.add(new LocalCommunicator(world, r));
        }
        return List.copyOf(ranks);
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return world.size;
    }

    /** Each rank sums its slice of the buffers (reduce-scatter), then copies every slice (allgather). */
    @Override
    public void allreduceSum(FloatBuffer values) {
        if (world.size == 1) {
            return;
        }
        FloatBuffer mine = values.slice();
        world.buffers[rank] = mine;
        await();
        int n = mine.remaining();
        int from = (int) ((long) n * rank / world.size);
        int to = (int) ((long) n * (rank + 1) / world.size);
        FloatBuffer first = world.buffers[0];
        for (int r = 1; r < world.size; r++) {
            if (world.buffers[r].remaining() != n) {
                throw new IllegalArgumentException("ranks allreduce buffers of different lengths");
            }
        }
        for (int i = from; i < to; i++) {
            float s = first.get(i);
            for (int r = 1; r < world.size; r++) {
                s += world.buffers[r].get(i);
            }
            first.put(i, s);
        }
        await();
        if (rank != 0) {
            mine.put(0, first, 0, n);
        }
        await();
    }

    @Override
    public void broadcast(FloatBuffer values, int root) {
        FloatBuffer mine = values.slice();
        world.buffers[rank] = mine;
        await();
        if (rank != root) {
            mine.put(0, world.buffers[root], 0, mine.remaining());
        }
        await();
    }

    @Override
    public double[] allgather(double[] values) {
        world.values[rank] = values.clone();
        await();
        double[] all = new double[values.length * world.size];
        for (int r = 0; r < world.size; r++) {
            System.arraycopy(world.values[r], 0, all, r * values.length, values.length);
        }
        await();
        return all;
    }

    @Override
    public void barrier() {
        await();
    }

    @Override
    public void close() {
    }

    /** Breaks the group's barrier, so that every other rank's collective fails instead of waiting. */
    @Override
    public void abort(int status) {
        world.aborted = true;
        world.barrier.reset();
    }

    private void await() {
        if (world.size == 1) {
            return;
        }
        try {
            world.barrier.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in a collective", e);
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException("another rank " + (world.aborted ? "aborted" : "failed")
                    + " during a collective", e);
        }
    }
}
