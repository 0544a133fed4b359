package io.histoscale.dataset.store;

/** How patch pixels are kept in shard files. */
public enum Compression {
    /** Raw HWC uint8: the fastest reads, the most disk. */
    NONE,
    /**
     * Lossless: pixels are delta-filtered ({@link DeltaFilter}) and each patch becomes one zstd frame, so any patch
     * decompresses on its own. About 0.6 of the raw size on H&amp;E.
     */
    ZSTD
}
