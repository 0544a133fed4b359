/**
 * Where the tissue is and where the patches go: a tissue mask from a slide's thumbnail, a patch grid at a requested
 * resolution over it, and the thumbnails and overlays to look at them.
 */
package io.histoscale.slide.tissue;
