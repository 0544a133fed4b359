package io.histoscale.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PnCommandTest {
    @TempDir
    Path dir;

    @Test
    void stagesPatientsFromSlideLabelsAndScoresAgainstTruth() throws IOException {
        Path labels = Files.writeString(dir.resolve("labels.csv"), """
                patient,stage
                patient_000_node_0.tif,macro
                patient_000_node_1.tif,itc
                patient_001_node_0.tif,itc
                patient_001_node_1.tif,negative
                """);
        Path truth = Files.writeString(dir.resolve("truth.csv"), """
                patient,stage
                patient_000.zip,pN1
                patient_001.zip,pN1mi
                """);
        CliTest.Run r = CliTest.run("pn", "--slide-labels", labels.toString(), "--truth", truth.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("patient_000.zip,pN1\n").contains("patient_001.zip,pN0(i+)\n")
                .contains("quadratic-weighted kappa");
    }

    @Test
    void theOfficialCamelyon17TableAgreesWithItself() {
        Path table = Path.of(System.getProperty("histoscale.shared.data", "../shared/data"),
                "camelyon-label-tables/camelyon17_stage_labels.csv");
        assumeTrue(Files.exists(table), "shared data absent");
        CliTest.Run r = CliTest.run("pn", "--slide-labels", table.toString(), "--truth", table.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("quadratic-weighted kappa 1").contains("over 100 patients");
    }

    @Test
    void aBadRowNamesFileAndLine() throws IOException {
        Path labels = Files.writeString(dir.resolve("bad.csv"), "patient,stage\npatient_000_node_0.tif,huge\n");
        CliTest.Run r = CliTest.run("pn", "--slide-labels", labels.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("bad.csv").contains("huge");
    }

    @Test
    void aPatientWithMoreThanFiveNodesIsReported() throws IOException {
        StringBuilder rows = new StringBuilder("patient,stage\n");
        for (int node = 0; node < 6; node++) {
            rows.append("patient_000_node_").append(node).append(".tif,").append(node == 0 ? "macro" : "negative")
                    .append('\n');
        }
        rows.append("patient_001_node_0.tif,negative\n");
        Path labels = Files.writeString(dir.resolve("six.csv"), rows.toString());
        CliTest.Run r = CliTest.run("pn", "--slide-labels", labels.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("patient_000.zip,pN1\n");
        assertThat(r.err()).contains("warning").contains("six.csv").contains("patient_000").contains("6 nodes")
                .contains("5").doesNotContain("patient_001");
    }

    @Test
    void theSameNodeTwiceIsAnErrorNamingBoth() throws IOException {
        // node 1 as .tif and as .svs: counted twice, two positive nodes would be three and could change the stage
        Path labels = Files.writeString(dir.resolve("twice.csv"), """
                patient,stage
                patient_000_node_0.tif,macro
                patient_000_node_1.tif,micro
                patient_000_node_1.svs,micro
                """);
        CliTest.Run r = CliTest.run("pn", "--slide-labels", labels.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("twice.csv").contains("patient_000_node_1.tif").contains("patient_000_node_1.svs");
    }
}
