package io.histoscale.staging;

import io.histoscale.slide.camelyon.PnStage;
import io.histoscale.slide.camelyon.SlideLabel;
import io.histoscale.synth.SlideTruth;
import io.histoscale.synth.SyntheticCohort;
import io.histoscale.synth.SyntheticSlide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lesion sizes measured on perfect heatmaps - each cell's tumour share, rasterised from the true outlines of
 * synthetic tumours - against the true largest diameters. The threshold is low (0.02): a perfect heatmap has no
 * noise, so any tumour share is tumour, and the outline's edge level stays 0.5 whatever the threshold.
 */
class LesionCalibrationTest {
    static final LesionDetector PERFECT = LesionDetector.builder().optThreshold(0.02).build();
    static final double[] SIZES_MM = {0.1, 0.15, 0.18, 0.25, 0.3, 0.5, 0.8, 1.2, 1.9, 2.5, 3.2, 4.0};

    /**
     * Within 10 % or 50 µm, or 0.45 cells where that is more: a heatmap cannot place an edge better than a fraction
     * of a cell, which binds only at 128 µm cells for lesions of 1.2-1.7 cells.
     */
    static double toleranceMm(double truthMm, double cellUm) {
        return Math.max(0.1 * truthMm, Math.max(0.050, 0.45 * cellUm / 1000));
    }

    @ParameterizedTest(name = "{0} µm cells")
    @ValueSource(doubles = {64, 96, 128})
    void diametersFrom0point1To4mmAreWithinToleranceOfTruth(double cellUm) {
        List<String> misses = new ArrayList<>();
        double sumError = 0, worst = 0;
        int n = 0;
        for (double size : SIZES_MM) {
            for (int placement = 0; placement < 6; placement++) {
                SlideTruth truth = SyntheticSlide.builder().optSizeMm(6.25, 6.25).optMpp(1).optSeed(100 * placement + 7)
                        .addTumour(size).build().truth();
                double shift = (placement * 0.37) % 1;
                List<Lesion> lesions = PERFECT.detect(PerfectHeatmaps.of(truth, cellUm, shift));
                double truthMm = truth.largestDiameterMm();
                assertThat(lesions).as("%.2f mm tumour, placement %d", size, placement).hasSize(1);
                double error = lesions.get(0).diameterMm() - truthMm;
                sumError += Math.abs(error);
                worst = Math.abs(error) > Math.abs(worst) ? error : worst;
                n++;
                if (Math.abs(error) > toleranceMm(truthMm, cellUm)) {
                    misses.add(String.format(Locale.ROOT, "%.3f mm measured %.3f", truthMm, lesions.get(0).diameterMm()));
                }
                if (truthMm < 0.2 - toleranceMm(truthMm, cellUm) || truthMm > 0.2 + toleranceMm(truthMm, cellUm)) {
                    assertThat(SlideLabel.ofLargestLesionMm(lesions.get(0).diameterMm())).as("label of %.3f mm", truthMm)
                            .isEqualTo(truth.label());
                }
            }
        }
        System.out.printf(Locale.ROOT, "calibration at %.0f µm cells: %d lesions, mean |error| %.1f µm, worst %+.1f µm%n",
                cellUm, n, 1000 * sumError / n, 1000 * worst);
        assertThat(misses).isEmpty();
        assertThat(sumError / n).isLessThan(0.025);
    }

    @ParameterizedTest(name = "{0} µm cells")
    @ValueSource(doubles = {64, 128})
    void theDefaultThresholdMeasuresLargeLesionsTheSame(double cellUm) {
        LesionDetector byDefault = LesionDetector.builder().build();
        for (double size : new double[]{0.8, 2.5, 4.0}) {
            SlideTruth truth = SyntheticSlide.builder().optSizeMm(6.25, 6.25).optMpp(1).optSeed(3).addTumour(size).build().truth();
            Heatmap perfect = PerfectHeatmaps.of(truth, cellUm, 0.25);
            double low = PERFECT.detect(perfect).get(0).diameterMm(), high = byDefault.detect(perfect).get(0).diameterMm();
            assertThat(high).isCloseTo(truth.largestDiameterMm(), org.assertj.core.data.Offset.offset(0.1 * size));
            assertThat(high).isCloseTo(low, org.assertj.core.data.Offset.offset(0.03 * size));
        }
    }

    /** Every slide of a 20-patient synthetic cohort: labels from perfect heatmaps, and the stages they give. */
    @ParameterizedTest(name = "{0} µm cells")
    @ValueSource(doubles = {64, 96, 128})
    void perfectHeatmapsGiveTheCohortsLabelsAndStages(double cellUm) {
        SyntheticCohort cohort = SyntheticCohort.builder().optPatients(20).optSeed(17).build();
        List<String> wrong = new ArrayList<>();
        for (SyntheticCohort.Patient patient : cohort.patients()) {
            List<SlideLabel> labels = new ArrayList<>();
            for (SyntheticCohort.Node node : patient.nodes()) {
                List<Lesion> lesions = PERFECT.detect(PerfectHeatmaps.of(node.slide().truth(), cellUm, 0.5));
                SlideLabel label = SlideLabel.ofLargestLesionMm(lesions.isEmpty() ? 0 : lesions.get(0).diameterMm());
                if (label != node.label()) {
                    wrong.add(String.format(Locale.ROOT, "%s %s (%.3f mm) measured %s", node.name(), node.label(),
                            node.slide().truth().largestDiameterMm(), label));
                }
                labels.add(label);
            }
            if (PnStage.of(labels) != patient.stage()) wrong.add(patient.name() + " " + patient.stage() + " staged " + PnStage.of(labels));
        }
        System.out.println("cohort at " + cellUm + " µm cells: " + (wrong.isEmpty() ? "all right" : wrong));
        assertThat(wrong).isEmpty();
    }
}
