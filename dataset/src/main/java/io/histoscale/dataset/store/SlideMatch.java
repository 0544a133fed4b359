package io.histoscale.dataset.store;

/**
 * What a store already holds of a slide file, found by {@link PatchStoreWriter#find}.
 *
 * @param kind   how the stored slide relates to the file
 * @param name   the stored slide's name
 * @param source the path it was tiled from; null when not recorded
 */
public record SlideMatch(Kind kind, String name, String source) {

    public enum Kind {
        /** The same content, under this or another path or name: the file is in the store. */
        SAME_CONTENT,
        /** A slide of the file's name recorded without a fingerprint, by an earlier HistoScale: taken to be the file. */
        SAME_NAME_NO_FINGERPRINT,
        /** A slide tiled from the same path, whose content has changed since (replaced, re-exported, rescanned). */
        CHANGED
    }
}
