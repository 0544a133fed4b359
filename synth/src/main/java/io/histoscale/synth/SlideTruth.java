package io.histoscale.synth;

import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.slide.camelyon.SlideLabel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a synthetic slide truly shows, written next to it as JSON so tests can check labels and lesion sizes.
 *
 * @param widthPx  level-0 width
 * @param heightPx level-0 height
 * @param mpp      micrometres per level-0 pixel
 * @param label    Camelyon17 label from the largest lesion ({@link SlideLabel#ofLargestLesionMm})
 * @param lesions  tumour regions, possibly none
 * @param tissue   outlines of the tissue pieces, which may overlap, as {x, y} vertex pairs in level-0 pixels
 */
public record SlideTruth(int widthPx, int heightPx, double mpp, SlideLabel label, List<PlantedLesion> lesions,
                         List<double[][]> tissue) {

    public SlideTruth {
        lesions = List.copyOf(lesions);
        tissue = List.copyOf(tissue);
    }

    /** Diameter of the largest lesion in millimetres, 0 without lesions. */
    public double largestDiameterMm() {
        return lesions.stream().mapToDouble(PlantedLesion::diameterMm).max().orElse(0);
    }

    public void write(Path file) {
        try {
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static SlideTruth read(Path file) {
        try {
            return Json.MAPPER.readValue(file.toFile(), SlideTruth.class);
        } catch (IOException e) {
            throw new UserException("cannot read synthetic slide truth " + file + ": " + e.getMessage()
                    + "; regenerate it with the synthetic cohort generator", e);
        }
    }
}
