/**
 * Backend {@code openslide}: slides read by the native OpenSlide library (Debian {@code libopenslide0}) through JNA,
 * for every vendor format OpenSlide knows.
 */
package io.histoscale.slide.openslide;
