package io.histoscale.cli;

import io.histoscale.dataset.store.Compression;
import io.histoscale.dataset.tile.SlideFiles;
import io.histoscale.dataset.tile.TileReport;
import io.histoscale.dataset.tile.TileRequest;
import io.histoscale.dataset.tile.Tiler;
import io.histoscale.dataset.tile.Tiling;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

@Command(name = "tile", defaultValueProvider = ConfigFlags.TileDefaults.class, description = {
        "Find tissue, cut patches at a chosen µm/px and label them from annotations, into a patch store.",
        "Re-running skips slides already in the store; a bad slide is reported and the others go on (exit status 1)."})
final class TileCommand implements Callable<Integer>, Submittable {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "SLIDE", description = "Slide files, or folders of slides.")
    List<Path> slides;

    @Option(names = "--out", required = true, paramLabel = "STORE", description = "Patch store folder (created or appended to).")
    Path out;

    @Option(names = "--mpp", description = "Micrometres per pixel of the patches (default ${DEFAULT-VALUE}).")
    double mpp;

    @Option(names = "--size", description = "Patch side in pixels (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--stride", description = "Step between patches in pixels (default: --size, no overlap).")
    Integer stride;

    @Option(names = "--annotations", paramLabel = "DIR",
            description = "Folder of annotations named after the slides (ASAP/Camelyon XML, Aperio XML, QuPath GeoJSON).")
    Path annotations;

    @Option(names = "--repair-annotations", description = "Rebuild self-intersecting polygons instead of failing the slide.")
    boolean repairAnnotations;

    @Option(names = "--min-tissue", description = "Minimum tissue share of a patch (default ${DEFAULT-VALUE}).")
    double minTissue;

    @Option(names = "--tumour-threshold",
            description = "Tumour share of a patch that makes it tumour (default ${DEFAULT-VALUE}).")
    double tumourThreshold;

    @Option(names = "--threads", description = "Reader threads (default: all cores).")
    Integer threads;

    @Option(names = "--compression", description = "none or zstd (lossless; default ${DEFAULT-VALUE}).")
    Compression compression;

    @Option(names = "--assume-mpp", description = "Micrometres per pixel for slides whose file does not say.")
    Double assumeMpp;

    @Option(names = "--centre", description = "Centre or site id recorded with the slides.")
    String centre;

    @Option(names = "--patient-pattern",
            description = "Regex whose first group is the patient id in a slide name (default ${DEFAULT-VALUE}).")
    String patientPattern;

    @Option(names = "--no-thumbnails", description = "Do not draw STORE/thumbnails/SLIDE.png.")
    boolean noThumbnails;

    @Option(names = "--backend", description = "auto, or a registered slide reader: openslide, tiff, ... (default ${DEFAULT-VALUE}).")
    String backend;

    @Mixin(name = ExecutorOptions.MIXIN)
    ExecutorOptions executorOptions = new ExecutorOptions();

    @Override
    public Integer call() {
        TileReport report = tile();
        print(report, spec);
        return report.failed().isEmpty() ? 0 : 1;
    }

    @Override
    public void checkBeforeSubmit() {
        request();
    }

    /** The request the options describe. */
    TileRequest request() {
        TileRequest.Builder b = TileRequest.builder(slides, out).setMpp(mpp).setSize(size).optMinTissue(minTissue)
                .optTumourThreshold(tumourThreshold).optAnnotations(annotations).optRepairAnnotations(repairAnnotations)
                .optCompression(compression).optAssumeMpp(assumeMpp).optCentre(centre).optPatientPattern(patientPattern)
                .optThumbnails(!noThumbnails).optBackend(backend);
        if (stride != null) b.optStride(stride);
        if (threads != null) b.optThreads(threads);
        return b.build();
    }

    TileReport tile() {
        try (ProgressBar bar = ProgressBars.bar("tile", 0, "patches")) {
            AtomicLong planned = new AtomicLong();
            return Tiling.run(request(), new Tiler.Listener() {
                @Override
                public void slideStarted(String slide, int patches) {
                    bar.maxHint(planned.addAndGet(patches));
                }

                @Override
                public void patchesDone(int count) {
                    bar.stepBy(count);
                }

                @Override
                public void slideFinished(TileReport.SlideResult r) {
                    bar.setExtraMessage(r.name());
                }
            });
        }
    }

    static void print(TileReport r, CommandSpec spec) {
        System.out.printf("tiled %d slides, skipped %d already in the store, %d failed: %d patches %s in %.1f s (%.0f patches/s)%n",
                r.count(TileReport.Status.TILED), r.count(TileReport.Status.SKIPPED_DONE), r.failed().size(),
                r.patches(), r.patchesPerLabel(), r.seconds(), r.patchesPerSecond());
        for (TileReport.SlideResult s : r.slides()) {
            if (s.status() == TileReport.Status.TILED && !s.message().isEmpty()) {
                System.out.printf("  %s: %s%n", s.name(), s.message());
            } else if (s.status() == TileReport.Status.SKIPPED_DONE && !s.name().equals(SlideFiles.stem(s.path()))) {
                System.out.printf("  %s: %s%n", s.path(), s.message()); // its content is in the store under another name
            }
        }
        r.warnings().forEach(w -> System.out.println("warning: " + w));
        for (TileReport.SlideResult s : r.failed()) {
            System.err.printf("failed: %s: %s%n", s.path(), ConfigFlags.word(s.message(), spec));
        }
    }
}
