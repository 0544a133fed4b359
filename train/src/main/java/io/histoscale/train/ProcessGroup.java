package io.histoscale.train;

import java.nio.FloatBuffer;

/**
 * The processes one data-parallel run is spread over, and the collective operations the training loop needs from
 * them. Every rank must call each operation in the same order. {@link #SINGLE} is the one-process group of ordinary
 * training; {@code io.histoscale.parallel.Communicator} provides Open MPI and in-process implementations.
 */
public interface ProcessGroup {

    /** System property: {@code true} makes data-parallel ranks check before every step that their weights agree. */
    String VERIFY_PROPERTY = "histoscale.parallel.verify";

    /** The group of this process alone: every operation leaves its input as it is. */
    ProcessGroup SINGLE = new ProcessGroup() {
        @Override
        public int rank() {
            return 0;
        }

        @Override
        public int size() {
            return 1;
        }

        @Override
        public void allreduceAverage(FloatBuffer values) {
        }

        @Override
        public void broadcast(FloatBuffer values, int root) {
        }

        @Override
        public double[] allgather(double[] values) {
            return values.clone();
        }

        @Override
        public void barrier() {
        }
    };

    /** This process's number, from 0. */
    int rank();

    /** Number of processes. */
    int size();

    /** Replaces the floats from {@code values}' position to its limit with their mean over all ranks, in place. */
    void allreduceAverage(FloatBuffer values);

    /** Replaces the floats from {@code values}' position to its limit with those of rank {@code root}. */
    void broadcast(FloatBuffer values, int root);

    /** Every rank's {@code values} (of the same length on each), concatenated in rank order. */
    double[] allgather(double[] values);

    /** Returns once every rank has called it. */
    void barrier();
}
