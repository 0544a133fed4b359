/**
 * The tiler: tissue detection, a patch grid at a chosen µm/px and labels from annotations, from slides into a patch
 * store, resumable and skipping bad slides.
 */
package io.histoscale.dataset.tile;
