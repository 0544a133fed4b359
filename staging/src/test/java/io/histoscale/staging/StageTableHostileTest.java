package io.histoscale.staging;

import io.histoscale.slide.camelyon.SlideLabel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Tables {@link StageTableFuzzTest} found not reading back as written, kept as examples. */
class StageTableHostileTest {
    @TempDir
    Path dir;

    @Test
    void slideNamesWithCommasAndQuotesReadBackAsWritten() {
        StageTable table = StageTable.ofSlides(Map.of("centre 1, \"ward\" b_node_0.tif", SlideLabel.MACRO,
                "centre 1, \"ward\" b_node_1.tif", SlideLabel.NEGATIVE));
        Path file = dir.resolve("stage_labels.csv");
        table.write(file);
        StageTable read = StageTable.read(file);
        assertThat(read.slideLabels()).isEqualTo(table.slideLabels());
        assertThat(read.stages()).isEqualTo(table.stages()).containsOnlyKeys("centre 1, \"ward\" b");
    }
}
