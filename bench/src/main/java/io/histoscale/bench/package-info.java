/**
 * Benchmarks of HistoScale against peers measured in the same run, and what they share ({@link
 * io.histoscale.bench.Peers}: running a Python peer script shipped as a class-path resource, medians of rounds,
 * temporary folders). Each benchmark lives in a sub-package named after what it measures; the {@code histoscale
 * bench} commands of the {@code cli} module run them and print one JSON object with at least {@code ours},
 * {@code peer}, {@code unit} and {@code ratio}. No library module depends on this one.
 */
package io.histoscale.bench;
