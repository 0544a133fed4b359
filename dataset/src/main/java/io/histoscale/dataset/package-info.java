/**
 * Labelled patches as training reads them: the {@link io.histoscale.dataset.PatchSource} abstraction, slides and
 * their patients and centres, group-wise splits and the positive-class rule.
 */
package io.histoscale.dataset;
