/**
 * Whole-slide images: the {@link io.histoscale.slide.Slide} interface, {@link io.histoscale.slide.Slides} to open
 * one with the best {@link io.histoscale.slide.SlideReaderProvider} registered through {@link java.util.ServiceLoader},
 * and what all readers share (levels, properties, file checks, an assumed resolution for files that record none).
 */
package io.histoscale.slide;
