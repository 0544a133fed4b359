package io.histoscale.staging;

import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LesionDetectorTest {
    static final LesionDetector DEFAULT = LesionDetector.builder().build();

    /** A 20 x 20 map of zeros with {@code cellUm} cells (1 µm per level-0 pixel). */
    static Heatmap zeros(double cellUm) {
        return Heatmap.of(new HeatmapGeometry(20, 20, 0, 0, cellUm, 1), new float[400]);
    }

    @Test
    void nothingAboveTheThresholdIsNoLesion() {
        Heatmap h = zeros(100);
        h.set(3, 3, 0.49);
        assertThat(DEFAULT.detect(h)).isEmpty();
        assertThat(LesionDetector.builder().optThreshold(0.4).build().detect(h)).hasSize(1);
    }

    /** The outline's diamond (one cell across, area 1/2) grown to one cell of area: 1.30 cells. */
    @Test
    void aLoneFullCellIsItcSizedUpTo128MicrometreCells() {
        for (double cell : new double[]{64, 128}) {
            Heatmap h = zeros(cell);
            h.set(7, 9, 1);
            Lesion lone = DEFAULT.detect(h).get(0);
            assertThat(lone.diameterMm()).isCloseTo(1.3027 * cell / 1000, within(1e-4)).isLessThan(0.2);
            assertThat(lone.cells()).isEqualTo(1);
            assertThat(lone.areaMm2()).isCloseTo(cell * cell / 1e6, within(1e-12));
            assertThat(lone.bounds().getMinX()).isEqualTo(7 * cell);
            assertThat(lone.bounds().getMaxY()).isEqualTo(10 * cell);
        }
    }

    /** Without any cell at 0.5 there is no outline: the lesion is the disc of its probability mass. */
    @Test
    void faintLesionsMeasureTheDiscOfTheirMass() {
        Heatmap h = zeros(100);
        h.set(4, 4, 0.3);
        h.set(5, 4, 0.3);
        Lesion faint = LesionDetector.builder().optThreshold(0.2).build().detect(h).get(0);
        double area = 0.6 * 100 * 100;
        assertThat(faint.diameterMm()).isCloseTo(2 * Math.sqrt(area / Math.PI) / 1000, within(1e-7));
    }

    /** A full bar 10 cells long and 3 wide: crossings half a cell outside the end cells' centres, 10 cells apart. */
    @Test
    void aLongBarMeasuresItsLength() {
        Heatmap h = zeros(50);
        for (int c = 2; c < 12; c++) for (int r = 5; r < 8; r++) h.set(c, r, 1);
        Lesion bar = DEFAULT.detect(h).get(0);
        // Outline is the 10 x 3 cells' rectangle with its corners cut; growing it to the area adds a little.
        assertThat(bar.diameterMm()).isBetween(0.5, 0.52);
        assertThat(bar.outline().getArea()).isEqualTo(30 * 50 * 50);
        assertThat(bar.meanProbability()).isEqualTo(1);
    }

    @Test
    void lesionsAreNumberedLargestFirstAndCellsTouchingAtCornersBelongTogether() {
        Heatmap h = zeros(100);
        h.set(1, 1, 0.9);
        h.set(2, 2, 0.8); // diagonal neighbour: same lesion
        for (int c = 10; c < 15; c++) h.set(c, 10, 1);
        h.set(18, 18, 0.6);
        List<Lesion> lesions = DEFAULT.detect(h);
        assertThat(lesions).extracting(Lesion::id).containsExactly(1, 2, 3);
        assertThat(lesions).extracting(Lesion::cells).containsExactly(5, 2, 1);
        assertThat(lesions.get(1).maxProbability()).isCloseTo(0.9, within(1e-6));
        assertThat(lesions.get(1).meanProbability()).isCloseTo(0.85, within(1e-6));
        assertThat(lesions.get(1).outline().getGeometryType()).isEqualTo("MultiPolygon");
        assertThat(lesions.get(0).diameterMm()).isGreaterThan(lesions.get(1).diameterMm());
    }

    @Test
    void invalidCellsCountAsNoTumour() {
        HeatmapGeometry g = new HeatmapGeometry(3, 1, 0, 0, 100, 1);
        Heatmap withTissueAround = Heatmap.of(g, new float[]{0, 1, 0});
        Heatmap alone = Heatmap.of(g, new float[]{Float.NaN, 1, Float.NaN});
        assertThat(DEFAULT.detect(alone).get(0).diameterMm()).isEqualTo(DEFAULT.detect(withTissueAround).get(0).diameterMm());
    }

    @Test
    void smoothingJoinsANoisyLesionIntoOne() {
        Heatmap h = zeros(100);
        for (int c = 5; c < 12; c++) for (int r = 5; r < 12; r++) h.set(c, r, (c + r) % 2 == 0 ? 0.95 : 0.45);
        assertThat(DEFAULT.detect(h)).hasSize(1); // checkerboard cells touch at corners
        LesionDetector smoothed = LesionDetector.builder().optSmoothing(1).build();
        List<Lesion> lesions = smoothed.detect(h);
        assertThat(lesions).hasSize(1);
        assertThat(lesions.get(0).meanProbability()).isBetween(0.6, 0.75);
    }

    @Test
    void badSettingsSayWhatToUse() {
        assertThatThrownBy(() -> LesionDetector.builder().optThreshold(0)).isInstanceOf(UserException.class).hasMessageContaining("0.5");
        assertThatThrownBy(() -> LesionDetector.builder().optSmoothing(-1)).isInstanceOf(UserException.class).hasMessageContaining("0 (none)");
    }
}
