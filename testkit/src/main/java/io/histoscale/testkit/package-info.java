/**
 * Fixtures shared by the tests of every module (test scope only): synthetic patch stores, the one-node Slurm
 * cluster of {@code scripts/slurm-local.sh}, and small file systems that fill up or turn read-only.
 */
package io.histoscale.testkit;
