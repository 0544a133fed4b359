package io.histoscale.staging;

import io.histoscale.slide.camelyon.SlideLabel;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;

/**
 * What staging found on one slide.
 *
 * @param slideName file name, {@code PATIENT_node_N.EXT} as Camelyon17 names them
 * @param heatmap   the model's tumour probabilities
 * @param overlay   thumbnail with the heatmap, as {@link HeatmapOverlay#render} draws it
 * @param lesions   as {@link LesionDetector#detect} returns them, largest first
 */
public record SlideResult(String slideName, Heatmap heatmap, BufferedImage overlay, List<Lesion> lesions) {

    public SlideResult {
        Objects.requireNonNull(slideName);
        Objects.requireNonNull(heatmap);
        Objects.requireNonNull(overlay);
        lesions = List.copyOf(lesions);
    }

    /** Diameter of the largest lesion in millimetres, 0 without lesions. */
    public double largestDiameterMm() {
        return lesions.stream().mapToDouble(Lesion::diameterMm).max().orElse(0);
    }

    /** Camelyon17 label from the largest lesion. */
    public SlideLabel label() {
        return SlideLabel.ofLargestLesionMm(largestDiameterMm());
    }
}
