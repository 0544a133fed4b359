package io.histoscale.parallel;

import io.histoscale.train.ProcessGroup;

import java.nio.FloatBuffer;

/**
 * A group of ranks and the collectives data-parallel training needs: allreduce (sum or mean) of float buffers in
 * place, broadcast, barrier and allgather of small metrics. Buffers must be direct (off-heap): the MPI
 * implementation hands their memory to the C library without copying.
 *
 * <pre>{@code
 * try (Communicator world = Communicator.fromEnvironment(Communicator.DEFAULT_BUCKET_BYTES)) {
 *     world.allreduceAverage(gradients);   // same result on every rank
 * }
 * }</pre>
 */
public interface Communicator extends ProcessGroup, AutoCloseable {

    /** Bytes per allreduce call when a buffer is split (PyTorch DDP's default bucket: 25 MiB). */
    long DEFAULT_BUCKET_BYTES = 25L << 20;

    /**
     * The ranks this process was launched with: Open MPI's world when started by {@code mpirun} or
     * {@code srun --mpi=pmix} ({@link MpiLaunch#launchedByMpi()}), else a group of this process alone.
     *
     * @param bucketBytes bytes per allreduce call (larger buffers are reduced in buckets of this size)
     */
    static Communicator fromEnvironment(long bucketBytes) {
        return MpiLaunch.launchedByMpi() ? MpiCommunicator.open(bucketBytes) : LocalCommunicator.group(1).get(0);
    }

    /** Replaces the floats from {@code values}' position to its limit with their sum over all ranks, in place. */
    void allreduceSum(FloatBuffer values);

    /** Sum, then division by the number of ranks: the same on every rank. */
    @Override
    default void allreduceAverage(FloatBuffer values) {
        allreduceSum(values);
        int n = size();
        if (n > 1) {
            float scale = 1f / n;
            for (int i = values.position(), end = values.limit(); i < end; i++) {
                values.put(i, values.get(i) * scale);
            }
        }
    }

    /** Leaves the group; MPI is finalised. */
    @Override
    void close();

    /**
     * Ends every rank's process at once with {@code status}: for a failure on one rank that the others cannot
     * know about, which would otherwise leave them waiting in a collective.
     */
    void abort(int status);
}
