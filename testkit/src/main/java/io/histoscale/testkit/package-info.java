/**
 * Fixtures shared by the tests of every module (test scope only): synthetic patch stores and the one-node Slurm
 * cluster of {@code scripts/slurm-local.sh}.
 */
package io.histoscale.testkit;
