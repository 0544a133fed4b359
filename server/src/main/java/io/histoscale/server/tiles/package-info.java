/**
 * Deep Zoom for the slide viewer: the pyramid of a slide laid out as OpenSlide's DeepZoomGenerator lays it out
 * ({@link io.histoscale.server.tiles.DeepZoom}), a byte-bounded cache of encoded tiles, the service that keeps slides
 * open and the two HTTP routes OpenSeadragon reads.
 */
package io.histoscale.server.tiles;
