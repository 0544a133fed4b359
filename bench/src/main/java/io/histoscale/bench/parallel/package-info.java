/**
 * Data-parallel benchmarks: allreduce bandwidth of the Java {@link io.histoscale.parallel.MpiCommunicator} against a
 * C MPI_Allreduce loop ({@code allreduce_bench.c}, compiled with mpicc during the run) in the same ranks, rounds
 * alternating; strong and weak scaling of training on this machine against PyTorch DistributedDataParallel
 * ({@code ddp_scaling_peer.py}); and the α-β model of ring allreduce fitted here, projecting efficiency to many GPUs,
 * with its plot.
 */
package io.histoscale.bench.parallel;
