package io.histoscale.dataset;

/** One patch with its pixels (HWC uint8) and provenance, as {@link PatchSource#stream()} yields it. */
public record Patch(long index, PatchInfo info, byte[] pixels) {
}
