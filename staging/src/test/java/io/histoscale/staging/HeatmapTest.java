package io.histoscale.staging;

import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.GeometryFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class HeatmapTest {
    @TempDir
    Path dir;

    static final HeatmapGeometry GEOMETRY = new HeatmapGeometry(300, 200, 128, 64.5, 256, 0.25);

    /** A heatmap like inference leaves: tissue in an ellipse, random probabilities there, the rest invalid. */
    static Heatmap sample() {
        Heatmap h = Heatmap.empty(GEOMETRY);
        SplittableRandom random = new SplittableRandom(5);
        for (int r = 0; r < h.rows(); r++) {
            for (int c = 0; c < h.columns(); c++) {
                double dx = (c - 150) / 120.0, dy = (r - 100) / 80.0;
                if (dx * dx + dy * dy < 1) h.set(c, r, random.nextDouble() < 0.9 ? 0 : random.nextDouble());
            }
        }
        return h;
    }

    @Test
    void cellsStartInvalidAndBecomeValidWhenSet() {
        Heatmap h = Heatmap.empty(GEOMETRY);
        assertThat(h.validCount()).isZero();
        assertThat(h.get(3, 4)).isNaN();
        h.set(3, 4, 0.75);
        assertThat(h.isValid(3, 4)).isTrue();
        assertThat(h.get(3, 4)).isEqualTo(0.75f);
        assertThat(h.validCount()).isEqualTo(1);
        assertThatThrownBy(() -> h.set(0, 0, 1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.get(300, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void geometryInMicrometres() {
        assertThat(GEOMETRY.cellSizeUm()).isEqualTo(64);
        assertThat(GEOMETRY.cellAreaMm2()).isCloseTo(0.004096, within(1e-12));
        assertThat(GEOMETRY.x(2)).isEqualTo(128 + 512);
        assertThat(GEOMETRY.y(1)).isEqualTo(64.5 + 256);
    }

    @Test
    void savesAndLoadsExactlyWithInvalidCellsAndAReadableHeader() throws IOException {
        Heatmap h = sample();
        Path file = dir.resolve("slide.heatmap");
        h.save(file);
        Heatmap back = Heatmap.load(file);
        assertThat(back.geometry()).isEqualTo(GEOMETRY);
        assertThat(Arrays.equals(back.values(), h.values())).isTrue(); // NaN equal to NaN, bit for bit
        assertThat(back.validCount()).isEqualTo(h.validCount()).isGreaterThan(30_000);
        // Mostly zeros and invalid cells: far smaller than 4 bytes a cell.
        assertThat(Files.size(file)).isLessThan(4L * GEOMETRY.cellCount() / 4);
        String head = new String(Files.readAllBytes(file), 0, 300, StandardCharsets.ISO_8859_1);
        assertThat(head).startsWith(Heatmap.MAGIC + "\n{").contains("\"cellSizeUm\":64.0").contains("\"slideMpp\":0.25");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void damagedFilesAreReportedByName() throws IOException {
        Path file = dir.resolve("slide.heatmap");
        sample().save(file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 100));
        assertThatThrownBy(() -> Heatmap.load(file)).isInstanceOf(UserException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("truncated");
        Files.writeString(file, "not a heatmap\n{}\n");
        assertThatThrownBy(() -> Heatmap.load(file)).hasMessageContaining("does not start with");
        assertThatThrownBy(() -> Heatmap.load(dir.resolve("none.heatmap"))).hasMessageContaining("does not exist");
    }

    @Test
    void coverageIsEachCellsShareOfTheRegion() {
        HeatmapGeometry g = new HeatmapGeometry(4, 4, 0, 0, 10, 1);
        // Covers columns 1-2 fully and half of column 3, rows 0-1 fully.
        Heatmap h = Heatmap.coverage(g, new GeometryFactory().toGeometry(new Envelope(10, 35, 0, 20)));
        assertThat(h.get(0, 0)).isZero();
        assertThat(h.get(1, 0)).isEqualTo(1f);
        assertThat(h.get(3, 1)).isEqualTo(0.5f);
        assertThat(h.get(2, 2)).isZero();
        assertThat(h.validCount()).isEqualTo(16);
    }

    @Test
    void smoothingKeepsAFlatMapFlatUpToTheTissueEdgeAndSpreadsASpike() {
        HeatmapGeometry g = new HeatmapGeometry(20, 20, 0, 0, 10, 1);
        Heatmap flat = Heatmap.empty(g);
        for (int r = 5; r < 15; r++) for (int c = 5; c < 15; c++) flat.set(c, r, 0.4);
        Heatmap smooth = flat.smoothed(2);
        assertThat(smooth.get(5, 5)).isCloseTo(0.4f, within(1e-6f)); // invalid neighbours do not pull it down
        assertThat(smooth.isValid(4, 4)).isFalse();
        Heatmap spike = Heatmap.of(g, new float[400]);
        spike.set(10, 10, 1);
        Heatmap spread = spike.smoothed(1);
        assertThat(spread.get(10, 10)).isLessThan(0.3f);
        assertThat(spread.get(11, 10)).isGreaterThan(0.05f).isEqualTo(spread.get(10, 9));
        double sum = 0;
        for (float v : spread.values()) sum += v;
        assertThat(sum).isCloseTo(1, within(0.01));
    }
}
