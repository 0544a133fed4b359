package io.histoscale.synth;

import io.histoscale.core.UserException;
import io.histoscale.slide.camelyon.PnStage;
import io.histoscale.slide.camelyon.SlideLabel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyntheticCohortTest {
    @TempDir
    static Path dir;
    static Path out;
    static final List<Integer> progress = new ArrayList<>();

    /** 10 patients x 5 slides of 3.8 mm at 4 µm/px (950 px, one level): the demo layout, small and quick. */
    @BeforeAll
    static void writeCohort() {
        out = dir.resolve("cohort");
        SyntheticCohort cohort = small(10, 2).build();
        cohort.generate(out, (done, total) -> {
            assertThat(total).isEqualTo(50);
            progress.add(done);
        });
    }

    private static SyntheticCohort.Builder small(int patients, int threads) {
        return SyntheticCohort.builder().optPatients(patients).optSeed(17).optSlideSizeMm(3.8, 3.8).optMpp(4).optThreads(threads);
    }

    @Test
    void stageLabelsCsvHasCamelyonsLayoutAndStagesFollowFromSlideLabels() throws IOException {
        List<String> lines = Files.readAllLines(out.resolve("stage_labels.csv"));
        assertThat(lines).hasSize(1 + 10 * 6);
        assertThat(lines.get(0)).isEqualTo("patient,stage");
        Map<String, PnStage> stages = new LinkedHashMap<>();
        Map<String, List<SlideLabel>> labels = new LinkedHashMap<>();
        for (int p = 0; p < 10; p++) {
            String[] patientRow = lines.get(1 + 6 * p).split(",");
            String patient = String.format("patient_%03d", p);
            assertThat(patientRow[0]).isEqualTo(patient + ".zip");
            stages.put(patient, PnStage.parse(patientRow[1]));
            for (int n = 0; n < 5; n++) {
                String[] row = lines.get(2 + 6 * p + n).split(",");
                assertThat(row[0]).isEqualTo(patient + "_node_" + n + ".tif");
                assertThat(row[1]).isEqualTo(row[1].toLowerCase()).isIn("negative", "itc", "micro", "macro");
                labels.computeIfAbsent(patient, k -> new ArrayList<>()).add(SlideLabel.parse(row[1]));
            }
        }
        stages.forEach((patient, stage) -> assertThat(PnStage.of(labels.get(patient))).as(patient).isEqualTo(stage));
        assertThat(EnumSet.copyOf(stages.values())).containsExactlyInAnyOrder(PnStage.values());
        assertThat(Files.readString(out.resolve("stage_labels.csv"))).endsWith("\n").doesNotContain("\r");
    }

    @Test
    void everySlideHasItsAnnotationAndTruthAndTheTruthAgreesWithTheCsv() throws IOException {
        Map<String, String> csv = Files.readAllLines(out.resolve("stage_labels.csv")).stream()
                .filter(l -> l.contains("_node_")).collect(Collectors.toMap(l -> l.split(",")[0], l -> l.split(",")[1]));
        assertThat(csv).hasSize(50);
        for (Map.Entry<String, String> row : csv.entrySet()) {
            String stem = row.getKey().replace(".tif", "");
            assertThat(out.resolve(row.getKey())).isRegularFile();
            assertThat(out.resolve("annotations/" + stem + ".xml")).isRegularFile();
            SlideTruth truth = SlideTruth.read(out.resolve("truth/" + stem + ".json"));
            assertThat(truth.label().csvName()).as(stem).isEqualTo(row.getValue());
            assertThat(SlideLabel.ofLargestLesionMm(truth.largestDiameterMm())).isEqualTo(truth.label());
            double largest = truth.largestDiameterMm();
            switch (truth.label()) {
                case NEGATIVE -> assertThat(truth.lesions()).isEmpty();
                case ITC -> assertThat(largest).isBetween(0.05 * 0.99, 0.18 * 1.01);
                case MICRO -> assertThat(largest).isBetween(0.3 * 0.99, 1.8 * 1.01);
                case MACRO -> assertThat(largest).isBetween(2.3 * 0.99, 0.64 * 3.8 * 1.01);
            }
        }
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.filter(f -> f.toString().endsWith(".tif")).count()).isEqualTo(50);
        }
    }

    @Test
    void progressCountsEverySlideOnce() {
        assertThat(progress).hasSize(50);
        assertThat(progress).isSorted().startsWith(1).endsWith(50);
    }

    @Test
    void sameSeedGivesTheSameFilesWhateverTheThreadCount() throws IOException {
        Path one = dir.resolve("one"), two = dir.resolve("two");
        small(2, 1).build().generate(one);
        small(2, 2).build().generate(two);
        try (Stream<Path> files = Files.walk(one)) {
            List<Path> written = files.filter(Files::isRegularFile).toList();
            assertThat(written).hasSize(2 * 5 * 3 + 1);
            for (Path file : written) {
                assertThat(Files.mismatch(file, two.resolve(one.relativize(file)))).as(file.toString()).isEqualTo(-1);
            }
        }
    }

    @Test
    void anyTenPatientsCoverAllFiveStages() {
        for (long seed = 0; seed < 20; seed++) {
            SyntheticCohort cohort = SyntheticCohort.builder().optSeed(seed).optMpp(8).build();
            Set<PnStage> stages = cohort.patients().stream().map(SyntheticCohort.Patient::stage).collect(Collectors.toSet());
            assertThat(stages).as("seed %d", seed).containsExactlyInAnyOrder(PnStage.values());
            for (SyntheticCohort.Patient p : cohort.patients()) {
                assertThat(PnStage.of(p.nodes().stream().map(SyntheticCohort.Node::label).toList())).isEqualTo(p.stage());
            }
        }
    }

    @Test
    void fewerThanFourNodesLeavesOutPn2() {
        SyntheticCohort cohort = SyntheticCohort.builder().optSlidesPerPatient(3).optMpp(8).build();
        assertThat(cohort.patients()).extracting(SyntheticCohort.Patient::stage).doesNotContain(PnStage.PN2)
                .contains(PnStage.PN0, PnStage.PN0_I, PnStage.PN1MI, PnStage.PN1);
        assertThat(cohort.slideCount()).isEqualTo(30);
    }

    @Test
    void badSettingsAreRejectedWithAClearMessage() {
        assertThatThrownBy(() -> SyntheticCohort.builder().optSlideSizeMm(3, 3).build())
                .isInstanceOf(UserException.class).hasMessageContaining("macro-metastasis");
        assertThatThrownBy(() -> SyntheticCohort.builder().optPatients(0).build())
                .isInstanceOf(UserException.class).hasMessageContaining("patients");
        assertThatThrownBy(() -> SyntheticCohort.builder().optSlidesPerPatient(10).build())
                .isInstanceOf(UserException.class).hasMessageContaining("slides per patient");
    }
}
