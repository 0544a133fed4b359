/**
 * Training throughput of a {@link io.histoscale.train.step.TrainStep} against plain PyTorch (Debian's python3-torch,
 * {@code torch_train_bench.py}, kept alive in a child process) on the same network, batch, input size, threads and
 * optimiser; peer and ours alternate in the same run. The script also builds the networks the inference and scaling
 * peers use.
 */
package io.histoscale.bench.train;
