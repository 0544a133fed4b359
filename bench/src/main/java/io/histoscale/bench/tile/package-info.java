/**
 * Patch reading speed of the tiler's {@link io.histoscale.dataset.tile.PatchReader} against Debian's
 * python3-openslide ({@code openslide_read_regions.py}) reading the same regions of the same slide; peer and ours
 * alternate in the same run and the medians are compared.
 */
package io.histoscale.bench.tile;
