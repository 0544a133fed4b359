package io.histoscale.cli;

import io.histoscale.dataset.tile.SlideFiles;
import io.histoscale.slide.camelyon.PnStage;
import io.histoscale.slide.camelyon.SlideLabel;
import io.histoscale.staging.SlideResult;
import io.histoscale.staging.StageRequest;
import io.histoscale.staging.StageTable;
import io.histoscale.staging.Stager;
import io.histoscale.staging.Staging;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "stage", defaultValueProvider = StageCommand.Defaults.class, description = {
        "Whole-slide heatmaps -> lesions in mm -> slide labels -> patient pN stage (Camelyon17 rules), with report.html.",
        "A slide that cannot be read is reported (exit status 1) and the others are staged."})
final class StageCommand implements Callable<Integer>, Submittable {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "RUN_DIR", description = "Training run folder.")
    Path model;

    @Option(names = "--slides", required = true, arity = "1..*", paramLabel = "SLIDE|DIR", description = "Slides or folders of slides.")
    List<Path> slides;

    @Option(names = "--truth", paramLabel = "CSV", description = "Camelyon17 stage_labels.csv to score against (kappa).")
    Path truth;

    @Option(names = "--out", required = true, paramLabel = "REPORT_DIR", description = "Where stages.csv, heatmaps and report.html go.")
    Path out;

    @Option(names = "--stride", description = "Step between patches in pixels (default: the model's patch size).")
    Integer stride;

    @Option(names = "--threshold",
            description = "Tumour probability that makes a heatmap cell part of a lesion (default ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--mpp", description = "µm/px of the model's patches (default: from the store it was trained on).")
    Double mpp;

    @Option(names = "--assume-mpp", description = "Micrometres per pixel for slides whose file does not say.")
    Double assumeMpp;

    @Option(names = "--batch", description = "Inference batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--device", description = "cpu, gpu or gpu:N (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", description = "Engine threads (default: all cores).")
    Integer threads;

    @Option(names = "--readers", description = "Patch reader threads (default: half the cores).")
    Integer readers;

    @Mixin(name = ExecutorOptions.MIXIN)
    ExecutorOptions executorOptions = new ExecutorOptions();

    @Override
    public Integer call() {
        Stager.Outcome o = stage();
        return o.failed().isEmpty() ? 0 : 1;
    }

    @Override
    public void checkBeforeSubmit() {
        Staging.check(request());
    }

    /** The request the options describe. */
    StageRequest request() {
        StageRequest.Builder b = StageRequest.builder(model, slides, out).optTruth(truth).optThreshold(threshold)
                .optMpp(mpp).optAssumeMpp(assumeMpp).optBatch(batch).optDevice(device);
        if (stride != null) b.optStride(stride);
        if (threads != null) b.optThreads(threads);
        if (readers != null) b.optReaders(readers);
        return b.build();
    }

    Stager.Outcome stage() {
        StageRequest request = request();
        Staging.check(request); // a truth or slide names that do not fit fail here, before the progress bar
        int slideCount = SlideFiles.expand(request.slides()).size();
        Stager.Outcome o;
        try (ProgressBar bar = ProgressBars.bar("stage", slideCount, "slides")) {
            o = Staging.run(request, new Stager.Listener() {
                @Override
                public void slideStarted(String slide, int index, int total) {
                    bar.stepTo(index);
                    bar.setExtraMessage(slide);
                }
            });
            bar.stepTo(slideCount);
        }
        print(o, spec);
        return o;
    }

    static void print(Stager.Outcome o, CommandSpec spec) {
        Map<String, List<SlideResult>> byPatient = new TreeMap<>();
        for (SlideResult s : o.slides()) byPatient.computeIfAbsent(StageTable.patientOf(s.slideName()), p -> new java.util.ArrayList<>()).add(s);
        System.out.printf("%-14s %-9s %s%n", "patient", "stage", "slides (label, largest lesion mm)");
        for (var e : byPatient.entrySet()) {
            PnStage stage = o.written().predicted().stages().get(e.getKey());
            System.out.printf("%-14s %-9s %s%n", e.getKey(), stage == null ? "-" : stage.csvName(), e.getValue().stream()
                    .map(s -> String.format(Locale.ROOT, "%s %s %.2f", SlideFiles.stem(Path.of(s.slideName())).replace(e.getKey() + "_", ""),
                            s.label().csvName(), s.largestDiameterMm()))
                    .collect(Collectors.joining(", ")));
        }
        o.written().agreement().ifPresent(a -> {
            System.out.printf(Locale.ROOT, "quadratic-weighted kappa %.3f over %d patients%n", a.kappa(), a.stages().total());
            System.out.println(a.stages().toText(PnStage::csvName));
            if (a.slideLabels().total() > 0) {
                System.out.printf(Locale.ROOT, "slide labels: %d of %d right (%.0f %%)%n",
                        Math.round(a.slideLabels().accuracy() * a.slideLabels().total()), a.slideLabels().total(),
                        100 * a.slideLabels().accuracy());
                System.out.println(a.slideLabels().toText(SlideLabel::csvName));
            }
        });
        System.out.printf(Locale.ROOT, "inference: %d patches in %.1f s (%.0f patches/s), %.0f %% of it waiting on slide reads%n",
                o.patches(), o.seconds(), o.patches() / Math.max(o.seconds(), 1e-9), 100 * o.ioWaitSeconds() / Math.max(o.seconds(), 1e-9));
        o.written().predicted().warnings().forEach(w -> System.err.println("histoscale: warning: " + w));
        o.failed().forEach(f -> System.err.println("failed: " + f.slide() + ": " + ConfigFlags.word(f.message(), spec)));
        System.out.println("report: " + o.written().html().toAbsolutePath());
    }

    /** Option defaults from {@link StageRequest#defaults()}. */
    public static final class Defaults extends ConfigFlags.MapDefaults {
        public Defaults() {
            super(StageRequest.defaults());
        }
    }
}
