/**
 * Executors: running a run's work as a local child process or a Slurm batch job (or any executor registered in
 * {@code META-INF/services/io.histoscale.launch.Executor}, found by name with {@link io.histoscale.launch.Executor#named}),
 * from one generated job script; and {@link io.histoscale.launch.RunTracker}, which keeps the run registry true to
 * what the executors report.
 */
package io.histoscale.launch;
