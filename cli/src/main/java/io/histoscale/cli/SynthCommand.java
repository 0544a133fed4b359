package io.histoscale.cli;

import io.histoscale.slide.camelyon.SlideLabel;
import io.histoscale.synth.SyntheticCohort;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "synth", description = "Generate synthetic H&E slides for tests, demos and benchmarks.",
        subcommands = SynthCommand.Cohort.class)
final class SynthCommand extends CommandGroup {



    @Command(name = "cohort", description = {
            "Write a synthetic cohort: lymph-node slides, their tumour annotations, ground truth and stage labels.",
            "Slides are pyramidal JPEG-tiled TIFF with an Aperio description; annotations ASAP XML; ground truth JSON;",
            "stage_labels.csv in Camelyon17's format."})
    static final class Cohort implements Callable<Integer> {
        @Option(names = "--patients", defaultValue = "" + SyntheticCohort.DEFAULT_PATIENTS,
                description = "Patients (default ${DEFAULT-VALUE}).")
        int patients;

        @Option(names = "--slides-per-patient", defaultValue = "" + SyntheticCohort.DEFAULT_SLIDES_PER_PATIENT,
                description = "Lymph-node slides per patient (default ${DEFAULT-VALUE}).")
        int slidesPerPatient;

        @Option(names = "--out", required = true, description = "Output folder.")
        Path out;

        @Option(names = "--seed", defaultValue = "1", description = "Same seed, same cohort (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--mpp", defaultValue = "" + SyntheticCohort.DEFAULT_MPP,
                description = "Micrometres per level-0 pixel (default ${DEFAULT-VALUE}).")
        double mpp;

        @Option(names = "--size-mm", defaultValue = "" + SyntheticCohort.DEFAULT_SIZE_MM,
                description = "Slide side in millimetres (default ${DEFAULT-VALUE}).")
        double sizeMm;

        @Option(names = "--threads", description = "Writer threads (default: all cores).")
        Integer threads;

        @Override
        public Integer call() {
            SyntheticCohort cohort = generate(patients, slidesPerPatient, seed, mpp, sizeMm,
                    threads == null ? Runtime.getRuntime().availableProcessors() : threads, out);
            Map<SlideLabel, Long> labels = cohort.patients().stream().flatMap(p -> p.nodes().stream())
                    .collect(Collectors.groupingBy(SyntheticCohort.Node::label, () -> new EnumMap<>(SlideLabel.class),
                            Collectors.counting()));
            System.out.printf("wrote %d slides of %d patients to %s%n", cohort.slideCount(), cohort.patients().size(), out);
            System.out.println("  slide labels: " + labels);
            System.out.println("  stages:       " + cohort.patients().stream()
                    .map(p -> p.name() + "=" + p.stage().csvName()).collect(Collectors.joining(" ")));
            System.out.println("  truth:        " + out.resolve("stage_labels.csv"));
            return 0;
        }
    }

    static SyntheticCohort generate(int patients, int slidesPerPatient, long seed, double mpp, double sizeMm,
                                    int threads, Path out) {
        SyntheticCohort cohort = SyntheticCohort.builder()
                .optPatients(patients).optSlidesPerPatient(slidesPerPatient).optSeed(seed)
                .optMpp(mpp).optSlideSizeMm(sizeMm, sizeMm).optThreads(threads)
                .build();
        try (ProgressBar bar = ProgressBars.bar("synth", cohort.slideCount(), "slides")) {
            cohort.generate(out, (done, total) -> bar.stepTo(done));
        }
        return cohort;
    }
}
