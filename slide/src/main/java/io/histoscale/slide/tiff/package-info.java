/**
 * Backend {@code tiff}: a pure-Java reader of Aperio SVS and tiled pyramidal TIFF on TwelveMonkeys ImageIO, laying
 * out pages and properties as OpenSlide does, for machines without OpenSlide and files it rejects.
 */
package io.histoscale.slide.tiff;
