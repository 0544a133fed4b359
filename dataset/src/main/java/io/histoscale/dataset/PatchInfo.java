package io.histoscale.dataset;

/**
 * Label and provenance of one patch.
 *
 * @param slide          slide name
 * @param patient        patient id
 * @param centre         centre or site id
 * @param level          pyramid level the patch was read at, -1 when unknown
 * @param x              left edge in level-0 pixels, -1 when unknown
 * @param y              top edge in level-0 pixels, -1 when unknown
 * @param mpp            micrometres per pixel of the patch as stored, {@code NaN} when unknown
 * @param label          class index into the source's label names, -1 for an unlabelled patch
 * @param tumourFraction share of the patch inside annotated tumour, {@code NaN} when unknown
 */
public record PatchInfo(String slide, String patient, String centre, int level, long x, long y, double mpp, int label,
                        float tumourFraction) {
}
