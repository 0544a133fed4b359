/**
 * The {@code histoscale} command line (picocli): one command per pipeline stage, progress bars, run recording and
 * executors; it words the library's keyed errors with its own flags ({@link io.histoscale.cli.ConfigFlags}).
 */
package io.histoscale.cli;
