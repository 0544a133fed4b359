package io.histoscale.staging;

import io.histoscale.core.UserException;
import io.histoscale.slide.camelyon.SlideLabel;
import io.histoscale.synth.SyntheticCohort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Slides to report end to end, with the colour-rule model of {@link SlideInferenceTest}. */
class StagerTest {
    @TempDir
    Path dir;

    @Test
    void stagesACohortAndReportsABadSlide() throws IOException {
        Path cohort = dir.resolve("cohort");
        SyntheticCohort.builder().optPatients(5).optSlidesPerPatient(5).optSeed(4).optMpp(2.0).optSlideSizeMm(3.8, 3.8)
                .optThreads(2).build().generate(cohort);
        List<Path> slides = new ArrayList<>();
        try (Stream<Path> s = Files.list(cohort)) {
            s.filter(p -> p.toString().endsWith(".tif")).sorted().forEach(slides::add);
        }
        // a slide the truth knows, damaged (a slide whose patient the truth does not know is refused up front)
        Files.writeString(cohort.resolve("patient_004_node_4.tif"), "not a slide");
        Stager.Outcome o = Stager.builder()
                .optReport(StagingReport.builder().optTruth(StageTable.read(cohort.resolve("stage_labels.csv"))).build())
                .build().run(slides, new SlideInferenceTest.DarknessRule(), dir.resolve("report"), new Stager.Listener() {
                });
        assertThat(o.failed()).singleElement().satisfies(f -> assertThat(f.message()).contains("patient_004_node_4.tif"));
        assertThat(o.slides()).hasSize(24);
        assertThat(o.written().agreement()).isPresent();
        // The colour rule is no trained model (it also fires on dark normal tissue), but every micro- and
        // macro-metastasis must come out with its class: lesions are found and measured in mm.
        var labels = o.written().agreement().get().slideLabels();
        long micro = labels.categories().stream().mapToLong(p -> labels.count(SlideLabel.MICRO, p)).sum();
        long macro = labels.categories().stream().mapToLong(p -> labels.count(SlideLabel.MACRO, p)).sum();
        assertThat(micro).isPositive();
        assertThat(macro).isPositive();
        assertThat(labels.count(SlideLabel.MICRO, SlideLabel.MICRO)).isEqualTo(micro);
        assertThat(labels.count(SlideLabel.MACRO, SlideLabel.MACRO)).isEqualTo(macro);
        assertThat(labels.total()).isEqualTo(24);
        assertThat(dir.resolve("report/stages.csv")).content().startsWith("patient,stage");
        assertThat(dir.resolve("report/report.html")).content().contains("data:image");
        assertThat(dir.resolve("report/slides/patient_000_node_0.png")).isNotEmptyFile();
    }

    @Test
    void aTruthThatDoesNotMatchTheSlidesFailsBeforeAnySlideIsRead() throws IOException {
        Path cohort = dir.resolve("cohort");
        SyntheticCohort.builder().optPatients(2).optSlidesPerPatient(2).optSeed(5).optMpp(2.0).optSlideSizeMm(3.8, 3.8)
                .optThreads(2).build().generate(cohort);
        List<Path> slides = new ArrayList<>();
        try (Stream<Path> s = Files.list(cohort)) {
            s.filter(p -> p.toString().endsWith(".tif")).sorted().forEach(slides::add);
        }
        // patient_001 is missing; patient_000's rows name .svs files, not the .tif files given
        Path truth = Files.writeString(dir.resolve("truth.csv"), """
                patient,stage
                patient_000.zip,pN1
                patient_000_node_0.svs,macro
                patient_000_node_1.svs,negative
                patient_007.zip,pN0
                """);
        AtomicInteger started = new AtomicInteger();
        Stager stager = Stager.builder().optReport(StagingReport.builder().optTruth(StageTable.read(truth)).build())
                .build();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> stager.run(slides, new SlideInferenceTest.DarknessRule(), dir.resolve("report"),
                new Stager.Listener() {
                    @Override
                    public void slideStarted(String slide, int index, int total) {
                        started.incrementAndGet();
                    }
                })).isInstanceOf(UserException.class)
                .satisfies(e -> assertThat(((UserException) e).key()).isEqualTo(Optional.of("truth")))
                .hasMessageContaining("patient_001")
                .hasMessageContaining("patient_000_node_0.tif").hasMessageContaining("patient_000_node_1.tif");
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(1.0);
        assertThat(started).hasValue(0);
        assertThat(dir.resolve("report")).doesNotExist();
    }

    @Test
    void slideNamesThatDoNotNameTheirPatientAreRefusedBeforeAnySlideIsRead() throws IOException {
        Path a = dir.resolve("a/tumor_001.tif"), b = dir.resolve("b/patient_000_node_0.tif"),
                c = dir.resolve("c/patient_000_node_0.tif"), d = dir.resolve("d/patient_000_node_0.svs");
        for (Path p : List.of(a, b, c, d)) {
            Files.createDirectories(p.getParent());
            Files.writeString(p, "never read");
        }
        AtomicInteger started = new AtomicInteger();
        assertThatThrownBy(() -> Stager.builder().build().run(List.of(a, b, c, d), new SlideInferenceTest.DarknessRule(),
                dir.resolve("report"), new Stager.Listener() {
                    @Override
                    public void slideStarted(String slide, int index, int total) {
                        started.incrementAndGet();
                    }
                })).isInstanceOf(UserException.class).hasMessageContaining("tumor_001.tif")
                .hasMessageContaining("PATIENT_node_N").hasMessageContaining("patient_000_node_0.tif")
                .hasMessageContaining("patient_000_node_0.svs").hasMessageContaining("same node");
        assertThat(started).hasValue(0);
    }
}
