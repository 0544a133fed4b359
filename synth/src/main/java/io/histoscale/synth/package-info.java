/**
 * Synthetic H&amp;E slides and cohorts with tumours of known size, written as pyramidal TIFF that OpenSlide reads,
 * for tests and the demo.
 */
package io.histoscale.synth;
