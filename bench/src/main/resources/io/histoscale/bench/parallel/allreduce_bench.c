/*
 * HistoScale's C peer for `histoscale bench allreduce`: the in-place MPI_Allreduce loop (sum of floats, in buckets)
 * that the Java communicator is compared with.
 *
 * Built two ways by the benchmark with mpicc:
 *   - as a shared library: the Java ranks call hs_allreduce_seconds() between their own timed loops, so both sides
 *     run in the same processes, on the same buffer, alternately (a fair comparison on a shared, noisy machine);
 *   - with -DHS_MAIN as a standalone program: allreduce_bench FLOATS ITERATIONS WARMUP BUCKET_FLOATS prints
 *     {"seconds": per allreduce} (the slowest rank's) from rank 0.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static void allreduce(float *values, long n, long bucket) {
    for (long from = 0; from < n; from += bucket) {
        long count = n - from < bucket ? n - from : bucket;
        MPI_Allreduce(MPI_IN_PLACE, values + from, (int) count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    }
}

/* Seconds per allreduce of n floats on this rank, over `iterations` allreduces after a barrier. */
double hs_allreduce_seconds(float *values, long n, int iterations, long bucket) {
    MPI_Barrier(MPI_COMM_WORLD);
    double start = MPI_Wtime();
    for (int i = 0; i < iterations; i++) {
        allreduce(values, n, bucket);
    }
    return (MPI_Wtime() - start) / iterations;
}

#ifdef HS_MAIN
int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    if (argc != 5) {
        fprintf(stderr, "usage: %s FLOATS ITERATIONS WARMUP BUCKET_FLOATS\n", argv[0]);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    long n = atol(argv[1]);
    int iterations = atoi(argv[2]);
    int warmup = atoi(argv[3]);
    long bucket = atol(argv[4]);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    float *values = NULL;
    if (posix_memalign((void **) &values, 64, n * sizeof(float)) != 0) {
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    for (long i = 0; i < n; i++) {
        values[i] = (float) (rank + 1) * 1e-3f;
    }
    for (int i = 0; i < warmup; i++) {
        allreduce(values, n, bucket);
    }
    double seconds = hs_allreduce_seconds(values, n, iterations, bucket);
    double slowest;
    MPI_Allreduce(&seconds, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    if (rank == 0) {
        printf("{\"seconds\": %.9f}\n", slowest);
    }
    free(values);
    MPI_Finalize();
    return 0;
}
#endif
