/**
 * Lesion annotations (ASAP and Aperio XML, QuPath GeoJSON, NCRF JSON) read into validated polygons in level-0
 * pixels, matched to their slides, and queried for the tumour share of a region.
 */
package io.histoscale.slide.annotation;
