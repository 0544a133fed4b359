package io.histoscale.staging;

import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;

import java.util.Objects;

/**
 * One lesion found on a heatmap: a connected group of cells at or above the threshold.
 *
 * @param id              1 for the largest lesion of the slide, then by decreasing diameter
 * @param diameterMm      largest diameter, measured as {@link LesionDetector} describes
 * @param areaMm2         area of the lesion's cells
 * @param cells           number of cells
 * @param meanProbability mean over the lesion's cells
 * @param maxProbability  highest cell
 * @param outline         the union of the lesion's cells, level-0 pixels (a Polygon, or a MultiPolygon when cells
 *                        touch only at corners)
 */
public record Lesion(int id, double diameterMm, double areaMm2, int cells, double meanProbability,
                     double maxProbability, Geometry outline) {

    public Lesion {
        Objects.requireNonNull(outline);
    }

    /** Bounding box of the lesion's cells in level-0 pixels. */
    public Envelope bounds() {
        return outline.getEnvelopeInternal();
    }
}
