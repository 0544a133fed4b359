package io.histoscale.cli;

import io.histoscale.dataset.store.PatchStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The command line as a user meets it: exit status, one-line errors, what lands on disk. */
class CliTest {
    @TempDir
    Path dir;

    record Run(int status, String out, String err) {
    }

    static synchronized Run run(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int status = Main.execute(args);
            return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void infoReportsTheRealSvsAsJson() {
        Path svs = Path.of(System.getProperty("histoscale.shared.data", "../shared/data"), "slides/CMU-1-Small-Region.svs");
        assumeTrue(Files.exists(svs), "shared data absent");
        Run r = run("info", svs.toString(), "--json");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("\"width\" : 2220").contains("\"height\" : 2967").contains("\"mpp\" : 0.499")
                .contains("\"vendor\" : \"aperio\"");
    }

    @Test
    void userErrorsAreOneLineWithoutStackTrace() throws IOException {
        Run missing = run("info", dir.resolve("missing.svs").toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err().strip()).startsWith("histoscale: error:").contains("missing.svs").doesNotContain("\n")
                .doesNotContain("Exception");
        Path text = Files.writeString(dir.resolve("notes.svs"), "hello");
        Run notSlide = run("info", text.toString());
        assertThat(notSlide.status()).isEqualTo(2);
        assertThat(notSlide.err()).contains("notes.svs").doesNotContain("\tat ");
        Run badOption = run("tile", "--out", dir.toString(), "--compression", "lzma", text.toString());
        assertThat(badOption.status()).isEqualTo(2);
        assertThat(badOption.err()).contains("lzma");
    }

    @Test
    void cohortTilesIntoAStoreAndABadSlideIsSkippedAndReported() throws IOException {
        Path cohort = dir.resolve("cohort");
        Run synth = run("synth", "cohort", "--patients", "1", "--slides-per-patient", "2", "--size-mm", "3.8",
                "--mpp", "2.0", "--seed", "3", "--out", cohort.toString());
        assertThat(synth.status()).as(synth.err()).isZero();
        assertThat(Files.readAllLines(cohort.resolve("stage_labels.csv")))
                .first().isEqualTo("patient,stage");
        Files.writeString(cohort.resolve("patient_000_node_9.tif"), "truncated garbage");
        Path store = dir.resolve("store");
        Run tile = run("tile", cohort.toString(), "--annotations", cohort.resolve("annotations").toString(),
                "--mpp", "4", "--size", "32", "--threads", "2", "--out", store.toString());
        assertThat(tile.status()).isEqualTo(1);
        assertThat(tile.out()).contains("tiled 2 slides").contains("1 failed");
        assertThat(tile.err()).contains("failed: ").contains("patient_000_node_9.tif");
        try (PatchStore s = PatchStore.open(store)) {
            assertThat(s.slides()).hasSize(2);
            assertThat(s.size()).isPositive();
        }
        assertThat(store.resolve("thumbnails/patient_000_node_0.png")).isNotEmptyFile();
        Files.delete(cohort.resolve("patient_000_node_9.tif"));
        Run again = run("tile", cohort.toString(), "--annotations", cohort.resolve("annotations").toString(),
                "--mpp", "4", "--size", "32", "--out", store.toString());
        assertThat(again.status()).isZero();
        assertThat(again.out()).contains("skipped 2 already in the store");
    }
}
