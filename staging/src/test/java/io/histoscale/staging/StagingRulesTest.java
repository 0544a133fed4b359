package io.histoscale.staging;

import io.histoscale.slide.camelyon.PnStage;
import io.histoscale.slide.camelyon.SlideLabel;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.histoscale.slide.camelyon.SlideLabel.ITC;
import static io.histoscale.slide.camelyon.SlideLabel.MACRO;
import static io.histoscale.slide.camelyon.SlideLabel.MICRO;
import static io.histoscale.slide.camelyon.SlideLabel.NEGATIVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Camelyon17's slide labels and pN stages, on hand-made cases and on the official training table. */
class StagingRulesTest {

    @Test
    void everyStage() {
        assertThat(PnStage.of(List.of(NEGATIVE, NEGATIVE, NEGATIVE, NEGATIVE, NEGATIVE))).isEqualTo(PnStage.PN0);
        assertThat(PnStage.of(List.of(NEGATIVE, ITC, NEGATIVE, NEGATIVE, NEGATIVE))).isEqualTo(PnStage.PN0_I);
        assertThat(PnStage.of(List.of(MICRO, ITC, NEGATIVE, NEGATIVE, NEGATIVE))).isEqualTo(PnStage.PN1MI);
        assertThat(PnStage.of(List.of(MACRO, NEGATIVE, NEGATIVE, NEGATIVE, NEGATIVE))).isEqualTo(PnStage.PN1);
        assertThat(PnStage.of(List.of(MACRO, MICRO, MICRO, MICRO, NEGATIVE))).isEqualTo(PnStage.PN2);
    }

    @Test
    void threePositiveNodesArePn1AndFourArePn2() {
        assertThat(PnStage.of(List.of(MACRO, MACRO, MACRO, NEGATIVE, NEGATIVE))).isEqualTo(PnStage.PN1);
        assertThat(PnStage.of(List.of(MACRO, MICRO, MICRO, NEGATIVE, NEGATIVE))).isEqualTo(PnStage.PN1);
        assertThat(PnStage.of(List.of(MACRO, MICRO, MICRO, MICRO, NEGATIVE))).isEqualTo(PnStage.PN2);
        assertThat(PnStage.of(List.of(MACRO, MACRO, MACRO, MACRO, MACRO))).isEqualTo(PnStage.PN2);
    }

    @Test
    void itcNodesAreNotPositive() {
        assertThat(PnStage.of(List.of(ITC, ITC, ITC, ITC, ITC))).isEqualTo(PnStage.PN0_I);
        // Three metastases and two ITC nodes: still 1-3 positive nodes.
        assertThat(PnStage.of(List.of(MACRO, MICRO, MICRO, ITC, ITC))).isEqualTo(PnStage.PN1);
    }

    @Test
    void microMetastasesWithoutMacroArePn1miHoweverMany() {
        assertThat(PnStage.of(List.of(MICRO, NEGATIVE, NEGATIVE, NEGATIVE, NEGATIVE))).isEqualTo(PnStage.PN1MI);
        assertThat(PnStage.of(List.of(MICRO, MICRO, MICRO, MICRO, MICRO))).isEqualTo(PnStage.PN1MI);
    }

    @Test
    void labelBoundariesAreInclusiveAt0point2And2mm() {
        assertThat(SlideLabel.ofLargestLesionMm(0)).isEqualTo(NEGATIVE);
        assertThat(SlideLabel.ofLargestLesionMm(0.001)).isEqualTo(ITC);
        assertThat(SlideLabel.ofLargestLesionMm(0.2)).isEqualTo(ITC);
        assertThat(SlideLabel.ofLargestLesionMm(Math.nextUp(0.2))).isEqualTo(MICRO);
        assertThat(SlideLabel.ofLargestLesionMm(2.0)).isEqualTo(MICRO);
        assertThat(SlideLabel.ofLargestLesionMm(Math.nextUp(2.0))).isEqualTo(MACRO);
    }

    @Test
    void slideResultLabelsByItsLargestLesion() {
        Heatmap empty = Heatmap.empty(new HeatmapGeometry(1, 1, 0, 0, 100, 1));
        var image = new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB);
        var geometry = new org.locationtech.jts.geom.GeometryFactory().toGeometry(new org.locationtech.jts.geom.Envelope(0, 1, 0, 1));
        Lesion small = new Lesion(2, 0.15, 0.01, 1, 0.9, 0.9, geometry), atBoundary = new Lesion(1, 0.2, 0.02, 2, 0.9, 0.9, geometry);
        assertThat(new SlideResult("patient_001_node_1.tif", empty, image, List.of()).label()).isEqualTo(NEGATIVE);
        assertThat(new SlideResult("patient_001_node_1.tif", empty, image, List.of(atBoundary, small)).label()).isEqualTo(ITC);
        Lesion twoMm = new Lesion(1, 2.0, 3, 300, 0.9, 1, geometry);
        assertThat(new SlideResult("patient_001_node_1.tif", empty, image, List.of(twoMm, small)).label()).isEqualTo(MICRO);
    }

    /** All 100 patients of Camelyon17's training table get their official stage from their slide labels. */
    @Test
    void officialCamelyon17StagesFollowFromTheSlideLabels() {
        Path table = Path.of(System.getProperty("histoscale.shared.data", "../shared/data"),
                "camelyon-label-tables", "camelyon17_stage_labels.csv");
        assumeTrue(Files.exists(table), "shared data absent: " + table);
        StageTable official = StageTable.read(table);
        assertThat(official.patientRows()).hasSize(100);
        assertThat(official.slideLabels()).hasSize(500);
        StageTable fromSlides = StageTable.ofSlides(official.slideLabels());
        Map<String, PnStage> derived = fromSlides.stages();
        assertThat(derived).containsExactlyEntriesOf(official.patientRows());
        Agreement agreement = Agreement.of(fromSlides, official);
        assertThat(agreement.kappa()).isEqualTo(1.0);
        assertThat(agreement.stages().count(PnStage.PN2, PnStage.PN2)).isEqualTo(13);
        assertThat(agreement.stages().count(PnStage.PN0_I, PnStage.PN0_I)).isEqualTo(11);
    }
}
