/**
 * Read speed of the patch store: threads filling batch buffers from a store in random or sequential order, and the
 * peer of {@code histoscale bench store}, PNG files decoded by Pillow ({@code png_patch_reader.py}); peer and ours
 * alternate in the same run.
 */
package io.histoscale.bench.store;
