/**
 * Data-parallel training over processes: the Open MPI (JNA) and in-process communicators and the mpirun launch.
 */
package io.histoscale.parallel;
