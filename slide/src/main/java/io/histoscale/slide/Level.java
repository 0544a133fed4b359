package io.histoscale.slide;

/** One pyramid level: its size in pixels and how many level-0 pixels one of its pixels spans. */
public record Level(long width, long height, double downsample) {
}
