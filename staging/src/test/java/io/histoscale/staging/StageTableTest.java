package io.histoscale.staging;

import io.histoscale.core.UserException;
import io.histoscale.slide.camelyon.PnStage;
import io.histoscale.slide.camelyon.SlideLabel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StageTableTest {
    @TempDir
    Path dir;

    Path csv(String text) throws IOException {
        return Files.writeString(dir.resolve("stage_labels.csv"), text);
    }

    @Test
    void readsPatientAndSlideRowsAndWritesThemBackInCamelyonOrder() throws IOException {
        String text = """
                patient,stage
                patient_000.zip,pN0
                patient_000_node_0.tif,negative
                patient_000_node_1.tif,negative
                patient_004.zip,pN1
                patient_004_node_0.tif,negative
                patient_004_node_1.tif,macro
                """;
        StageTable table = StageTable.read(csv(text));
        assertThat(table.patientRows()).containsExactly(Map.entry("patient_000", PnStage.PN0), Map.entry("patient_004", PnStage.PN1));
        assertThat(table.slideLabels()).containsEntry("patient_004_node_1.tif", SlideLabel.MACRO).hasSize(4);
        assertThat(table.slidesByPatient().get("patient_004")).containsExactly("patient_004_node_0.tif", "patient_004_node_1.tif");
        assertThat(table.toCsv()).isEqualTo(text);
        table.write(dir.resolve("out.csv"));
        assertThat(Files.readString(dir.resolve("out.csv"))).isEqualTo(text);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("stage_labels.csv", "out.csv");
        }
    }

    @Test
    void slideRowsAloneGiveTheStages() throws IOException {
        StageTable table = StageTable.read(csv("""
                patient,stage
                patient_002_node_3.tif,micro
                patient_002_node_0.tif,itc
                patient_001_node_0.tif,itc
                patient_001_node_1.tif,negative
                """));
        assertThat(table.patientRows()).isEmpty();
        assertThat(table.stages()).containsExactly(Map.entry("patient_001", PnStage.PN0_I), Map.entry("patient_002", PnStage.PN1MI));
        assertThat(table.toCsv()).startsWith("patient,stage\npatient_001.zip,pN0(i+)\npatient_001_node_0.tif,itc\n");
        assertThat(table.toPatientCsv()).isEqualTo("patient,stage\npatient_001.zip,pN0(i+)\npatient_002.zip,pN1mi\n");
    }

    @Test
    void toleratesNoHeaderBlankLinesSpacesCrlfAndByteOrderMark() throws IOException {
        StageTable table = StageTable.read(csv("\uFEFFpatient_007.zip , pN2\r\n\r\n patient_007_node_2.tif,MACRO \r\n"));
        assertThat(table.patientRows()).containsEntry("patient_007", PnStage.PN2);
        assertThat(table.slideLabels()).containsEntry("patient_007_node_2.tif", SlideLabel.MACRO);
    }

    @Test
    void readsQuotedFieldsAsCsv() throws IOException {
        // as a spreadsheet saves it: every field quoted, CRLF line ends, a quoted field spanning a comma
        StageTable table = StageTable.read(csv("\"patient\",\"stage\"\r\n\"patient_003.zip\",\"pN1\"\r\n"
                + "\"patient_003_node_0.tif\",\"macro\"\r\n\"patient_003_node_1.tif\",itc\r\n"));
        assertThat(table.patientRows()).containsExactly(Map.entry("patient_003", PnStage.PN1));
        assertThat(table.slideLabels()).containsExactly(Map.entry("patient_003_node_0.tif", SlideLabel.MACRO),
                Map.entry("patient_003_node_1.tif", SlideLabel.ITC));
        Path comma = csv("patient,stage\n\"patient_003_node_0.tif\",\"macro, probably\"\n");
        assertThatThrownBy(() -> StageTable.read(comma)).isInstanceOf(UserException.class)
                .hasMessageContaining("line 2").hasMessageContaining("'macro, probably'")
                .hasMessageNotContaining("expected two fields");
        Path open = csv("patient,stage\n\"patient_003_node_0.tif,macro\n");
        assertThatThrownBy(() -> StageTable.read(open)).isInstanceOf(UserException.class)
                .hasMessageContaining(open.toString()).hasMessageContaining("line 2").hasMessageContaining("quote");
    }

    @Test
    void ofSlidesStagesEachPatient() {
        StageTable table = StageTable.ofSlides(Map.of("p_9_node_0.tif", SlideLabel.MACRO, "p_9_node_1.tif", SlideLabel.MICRO,
                "p_10_node_0.svs", SlideLabel.NEGATIVE));
        assertThat(table.stages()).containsExactly(Map.entry("p_10", PnStage.PN0), Map.entry("p_9", PnStage.PN1));
        assertThatThrownBy(() -> StageTable.ofSlides(Map.of("tumor_001.tif", SlideLabel.MACRO)))
                .isInstanceOf(UserException.class).hasMessageContaining("tumor_001.tif").hasMessageContaining("PATIENT_node_N.tif");
    }

    @Test
    void errorsNameTheFileTheLineAndWhatToWrite() throws IOException {
        Path bad = csv("patient,stage\npatient_000.zip,pN3\n");
        assertThatThrownBy(() -> StageTable.read(bad)).isInstanceOf(UserException.class)
                .hasMessageContaining(bad.toString()).hasMessageContaining("line 2").hasMessageContaining("pN3")
                .hasMessageContaining("pN0, pN0(i+), pN1mi, pN1 or pN2");
        assertThatThrownBy(() -> StageTable.read(csv("patient,stage\npatient_000_node_0.tif,big\n")))
                .hasMessageContaining("line 2").hasMessageContaining("negative, itc, micro or macro");
        assertThatThrownBy(() -> StageTable.read(csv("patient,stage\npatient_000_node_0.tif;macro\n")))
                .hasMessageContaining("line 2").hasMessageContaining("expected two fields");
        assertThatThrownBy(() -> StageTable.read(csv("patient_000_node_0.tif,macro\npatient_000_node_0.tif,micro\n")))
                .hasMessageContaining("line 2").hasMessageContaining("first on line 1");
        assertThatThrownBy(() -> StageTable.read(csv("patient,stage\nslide7.tif,macro\n")))
                .hasMessageContaining("line 2").hasMessageContaining("slide7.tif").hasMessageContaining("does not name its patient");
        assertThatThrownBy(() -> StageTable.read(csv("patient,stage\n"))).hasMessageContaining("has no rows");
        assertThatThrownBy(() -> StageTable.read(dir.resolve("missing.csv"))).isInstanceOf(UserException.class)
                .hasMessageContaining("missing.csv").hasMessageContaining("does not exist");
    }

    @Test
    void agreementComparesPredictedPatientsOnly() throws IOException {
        StageTable truth = StageTable.read(csv("""
                patient_000.zip,pN1
                patient_001.zip,pN0
                patient_002.zip,pN2
                """));
        StageTable predicted = StageTable.ofSlides(Map.of("patient_000_node_0.tif", SlideLabel.MACRO,
                "patient_001_node_0.tif", SlideLabel.ITC));
        Agreement a = Agreement.of(predicted, truth);
        assertThat(a.stages().total()).isEqualTo(2);
        assertThat(a.stages().count(PnStage.PN0, PnStage.PN0_I)).isEqualTo(1);
        assertThat(a.truthOnly()).isEqualTo(List.of("patient_002"));
        assertThat(a.slideLabels().total()).isZero();
        StageTable stranger = StageTable.ofSlides(Map.of("patient_042_node_0.tif", SlideLabel.MACRO));
        assertThatThrownBy(() -> Agreement.of(stranger, truth)).isInstanceOf(UserException.class)
                .hasMessageContaining("patient_042").hasMessageContaining("patient_042.zip,STAGE");
    }
}
