package io.histoscale.synth;

import io.histoscale.core.UserException;
import io.histoscale.slide.camelyon.PnStage;
import io.histoscale.slide.camelyon.SlideLabel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A synthetic Camelyon17-style cohort: patients with five lymph-node slides each, a pN stage per patient and a label
 * per slide, written as
 * <pre>
 * OUT/patient_000_node_0.tif ...            pyramidal Aperio-style TIFFs
 * OUT/annotations/patient_000_node_0.xml    ASAP tumour outlines (empty for slides without tumour)
 * OUT/truth/patient_000_node_0.json         {@link SlideTruth}
 * OUT/stage_labels.csv                      Camelyon17's format: patient_000.zip,pN1 then patient_000_node_0.tif,macro
 * </pre>
 * Stages cycle through shuffled rounds of all five, so any five consecutive patients cover pN0, pN0(i+), pN1mi, pN1
 * and pN2. Slide labels are drawn to give the patient's stage, and lesion sizes are drawn inside each label's band,
 * clear of the 0.2 mm and 2 mm boundaries: ITC 0.05-0.18 mm, micro 0.3-1.8 mm, macro 2.3-4 mm (capped by what fits
 * on the slide). The whole cohort is laid out when built; writing runs slides in parallel with identical bytes for
 * any thread count.
 *
 * <p>Demo defaults: 10 patients x 5 slides of {@value #DEFAULT_SIZE_MM} x {@value #DEFAULT_SIZE_MM} mm at
 * {@value #DEFAULT_MPP} µm/px (6250 x 6250 px, 3 levels), macro-metastases up to 4 mm.
 */
public final class SyntheticCohort {
    public static final int DEFAULT_PATIENTS = 10;
    public static final int DEFAULT_SLIDES_PER_PATIENT = 5;
    /** The smallest square slide that holds a 4 mm macro-metastasis ({@link #MACRO_FIT}). */
    public static final double DEFAULT_SIZE_MM = 6.25;
    public static final double DEFAULT_MPP = SyntheticSlide.DEFAULT_MPP;
    /**
     * Largest macro-metastasis as a fraction of the slide's shorter side: what fits in its tissue with a margin
     * (0 failures in 900 layouts at 0.64, the first at 0.66).
     */
    public static final double MACRO_FIT = 0.64;

    private static final double[] ITC_MM = {0.05, 0.18}, MICRO_MM = {0.3, 1.8}, MACRO_MM = {2.3, 4.0};
    /** Chance that a slide with a lesion carries a second, small one (which does not change its label). */
    private static final double EXTRA_ITC = 0.3;

    /**
     * One lymph-node slide of the cohort.
     *
     * @param name  file stem, as {@code patient_000_node_0}
     * @param slide its layout, ready to write
     */
    public record Node(String name, SlideLabel label, SyntheticSlide slide) {
        public String fileName() {
            return name + ".tif";
        }
    }

    /**
     * @param name  as {@code patient_000}
     * @param stage pN stage, which {@link PnStage#of} gives for the nodes' labels
     */
    public record Patient(String name, PnStage stage, List<Node> nodes) {
        public Patient {
            nodes = List.copyOf(nodes);
        }

        /** The name Camelyon17's stage_labels.csv uses for the patient. */
        public String zipName() {
            return name + ".zip";
        }
    }

    /** Told after each slide is written, from the writing threads, one call at a time. */
    @FunctionalInterface
    public interface ProgressListener {
        void slideWritten(int done, int total);
    }

    private final List<Patient> patients;
    private final int threads;

    private SyntheticCohort(Builder builder) {
        threads = builder.threads;
        SplittableRandom random = new SplittableRandom(builder.seed);
        double macroMax = Math.min(MACRO_MM[1], MACRO_FIT * Math.min(builder.widthMm, builder.heightMm));
        List<PnStage> stages = new ArrayList<>(List.of(PnStage.values()));
        if (builder.slidesPerPatient < 4) stages.remove(PnStage.PN2);
        List<PnStage> round = new ArrayList<>();
        List<Patient> planned = new ArrayList<>();
        for (int p = 0; p < builder.patients; p++) {
            if (round.isEmpty()) {
                round.addAll(stages);
                Collections.shuffle(round, new Random(random.nextLong()));
            }
            PnStage stage = round.remove(0);
            List<SlideLabel> labels = labels(random, stage, builder.slidesPerPatient);
            if (PnStage.of(labels) != stage) throw new IllegalStateException(labels + " do not give " + stage);
            String patient = String.format(Locale.ROOT, "patient_%03d", p);
            List<Node> nodes = new ArrayList<>();
            for (int n = 0; n < labels.size(); n++) {
                SyntheticSlide.Builder slide = SyntheticSlide.builder().optSizeMm(builder.widthMm, builder.heightMm)
                        .optMpp(builder.mpp).optSeed(random.nextLong());
                for (double mm : lesionsMm(random, labels.get(n), macroMax)) slide.addTumour(mm);
                Node node = new Node(patient + "_node_" + n, labels.get(n), slide.build());
                if (node.slide().truth().label() != node.label()) {
                    throw new IllegalStateException(node.name() + " came out " + node.slide().truth().label());
                }
                nodes.add(node);
            }
            planned.add(new Patient(patient, stage, nodes));
        }
        patients = List.copyOf(planned);
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Patient> patients() {
        return patients;
    }

    public int slideCount() {
        return patients.stream().mapToInt(p -> p.nodes().size()).sum();
    }

    public void generate(Path outDir) {
        generate(outDir, (done, total) -> {
        });
    }

    /** Writes every slide with its annotation and truth, then stage_labels.csv. */
    public void generate(Path outDir, ProgressListener progress) {
        Path annotations = outDir.resolve("annotations"), truth = outDir.resolve("truth");
        try {
            Files.createDirectories(annotations);
            Files.createDirectories(truth);
        } catch (IOException e) {
            throw new UserException("cannot create the cohort folders in " + outDir + " (" + e.getMessage()
                    + "): choose a writable output folder", e);
        }
        int total = slideCount();
        int[] done = {0};
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (Patient patient : patients) {
                for (Node node : patient.nodes()) {
                    jobs.add(pool.submit(() -> {
                        node.slide().writeTiff(outDir.resolve(node.fileName()));
                        node.slide().writeAnnotations(annotations.resolve(node.name() + ".xml"));
                        node.slide().writeTruth(truth.resolve(node.name() + ".json"));
                        synchronized (done) {
                            progress.slideWritten(++done[0], total);
                        }
                    }));
                }
            }
            for (Future<?> job : jobs) job.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) throw cause;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the synthetic cohort", e);
        } finally {
            pool.shutdownNow();
        }
        writeStageLabels(outDir.resolve("stage_labels.csv"));
    }

    private void writeStageLabels(Path file) {
        StringBuilder csv = new StringBuilder("patient,stage\n");
        for (Patient patient : patients) {
            csv.append(patient.zipName()).append(',').append(patient.stage().csvName()).append('\n');
            for (Node node : patient.nodes()) {
                csv.append(node.fileName()).append(',').append(node.label().csvName()).append('\n');
            }
        }
        try {
            Files.writeString(file, csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Node labels that give {@code stage}, in random node order. */
    private static List<SlideLabel> labels(SplittableRandom random, PnStage stage, int nodes) {
        SlideLabel[] labels = new SlideLabel[nodes];
        Arrays.fill(labels, SlideLabel.NEGATIVE);
        int positive = switch (stage) {
            case PN0, PN0_I -> 0;
            case PN1MI -> 1 + random.nextInt(Math.min(2, nodes));
            case PN1 -> 1 + random.nextInt(Math.min(3, nodes));
            case PN2 -> 4 + random.nextInt(Math.min(9, nodes) - 3);
        };
        for (int i = 0; i < positive; i++) {
            boolean macro = stage != PnStage.PN1MI && (i == 0 || random.nextBoolean());
            labels[i] = macro ? SlideLabel.MACRO : SlideLabel.MICRO;
        }
        int itc = stage == PnStage.PN0_I ? 1 + random.nextInt(Math.min(2, nodes))
                : stage != PnStage.PN0 && positive < nodes && random.nextDouble() < 0.3 ? 1 : 0;
        for (int i = positive; i < positive + itc; i++) labels[i] = SlideLabel.ITC;
        List<SlideLabel> list = new ArrayList<>(List.of(labels));
        Collections.shuffle(list, new Random(random.nextLong()));
        return list;
    }

    /** The label's lesion first, sometimes followed by a smaller ITC-sized one. */
    private static List<Double> lesionsMm(SplittableRandom random, SlideLabel label, double macroMax) {
        List<Double> lesions = new ArrayList<>();
        switch (label) {
            case NEGATIVE -> {
                return lesions;
            }
            case ITC -> lesions.add(random.nextDouble(ITC_MM[0], ITC_MM[1]));
            case MICRO -> lesions.add(random.nextDouble(MICRO_MM[0], MICRO_MM[1]));
            case MACRO -> lesions.add(random.nextDouble(MACRO_MM[0], macroMax));
        }
        if (random.nextDouble() < EXTRA_ITC) {
            lesions.add(ITC_MM[0] + (Math.min(ITC_MM[1], lesions.get(0)) - ITC_MM[0]) * random.nextDouble());
        }
        return lesions;
    }

    /** Settings of a {@link SyntheticCohort}; every one has a default. */
    public static final class Builder {
        private int patients = DEFAULT_PATIENTS, slidesPerPatient = DEFAULT_SLIDES_PER_PATIENT;
        private long seed;
        private double widthMm = DEFAULT_SIZE_MM, heightMm = DEFAULT_SIZE_MM, mpp = DEFAULT_MPP;
        private int threads = Runtime.getRuntime().availableProcessors();

        private Builder() {
        }

        /** Number of patients; default {@value #DEFAULT_PATIENTS}. */
        public Builder optPatients(int patients) {
            this.patients = patients;
            return this;
        }

        /** Lymph-node slides per patient, 1 to 9 (pN2 needs 4 or more); default {@value #DEFAULT_SLIDES_PER_PATIENT}. */
        public Builder optSlidesPerPatient(int slidesPerPatient) {
            this.slidesPerPatient = slidesPerPatient;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Physical size of every slide; default {@value #DEFAULT_SIZE_MM} mm square. */
        public Builder optSlideSizeMm(double widthMm, double heightMm) {
            this.widthMm = widthMm;
            this.heightMm = heightMm;
            return this;
        }

        /** Micrometres per level-0 pixel; default {@value #DEFAULT_MPP}. */
        public Builder optMpp(double mpp) {
            this.mpp = mpp;
            return this;
        }

        /** Slides written at once; default: the available processors. */
        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Lays out every patient and slide (no pixels yet); slide settings are checked here. */
        public SyntheticCohort build() {
            if (patients < 1 || patients > 999) {
                throw new UserException("cohort of " + patients + " patients: use 1 to 999");
            }
            if (slidesPerPatient < 1 || slidesPerPatient > 9) {
                throw new UserException("cohort with " + slidesPerPatient + " slides per patient: use 1 to 9");
            }
            if (threads < 1) {
                throw new UserException("cohort writing with " + threads + " threads: use 1 or more");
            }
            double smallestSide = (MACRO_MM[0] + 0.1) / MACRO_FIT;
            if (Math.min(widthMm, heightMm) < smallestSide) {
                throw new UserException(String.format(Locale.ROOT,
                        "cohort slides of %s x %s mm cannot hold a macro-metastasis (over 2 mm): use at least %.1f mm a side",
                        widthMm, heightMm, Math.ceil(smallestSide * 10) / 10));
            }
            return new SyntheticCohort(this);
        }
    }
}
