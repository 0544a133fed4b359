/**
 * Image-folder datasets: one sub-folder of images per class, with an optional labels table naming slides and
 * patients.
 */
package io.histoscale.dataset.folder;
