package io.histoscale.dataset.store;

/**
 * What a writer records with each patch besides its slide.
 *
 * @param label          class index into the store's label names, -1 for an unlabelled patch
 * @param level          pyramid level the patch was read at
 * @param x              left edge in level-0 pixels
 * @param y              top edge in level-0 pixels
 * @param mpp            micrometres per pixel of the patch as stored, {@code NaN} when unknown
 * @param tumourFraction share of the patch inside annotated tumour, {@code NaN} when unknown
 */
public record PatchMeta(int label, int level, long x, long y, double mpp, float tumourFraction) {

    /** A patch whose micrometres per pixel are not recorded. */
    public PatchMeta(int label, int level, long x, long y, float tumourFraction) {
        this(label, level, x, y, Double.NaN, tumourFraction);
    }
}
