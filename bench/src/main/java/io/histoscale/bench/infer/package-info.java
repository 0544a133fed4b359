/**
 * Whole-slide inference throughput of {@link io.histoscale.staging.SlideInference} against python3-openslide in a
 * torch DataLoader with python3-torch running the same network ({@code torch_infer_bench.py}), and the share of our
 * time spent waiting on reads; peer and ours alternate in the same run.
 */
package io.histoscale.bench.infer;
