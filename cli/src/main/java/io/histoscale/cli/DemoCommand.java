package io.histoscale.cli;

import io.histoscale.dataset.store.Compression;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.dataset.store.PatchStoreSpec;
import io.histoscale.dataset.store.PatchStoreWriter;
import io.histoscale.dataset.tile.SlideFiles;
import io.histoscale.dataset.tile.TileReport;
import io.histoscale.dataset.tile.Tiler;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The pathologist's story on an embedded default: 10 patients × 5 lymph-node slides, generated here, through the
 * pipeline. Re-running reuses what is already there (the cohort, tiled slides); {@code --fresh} starts over.
 */
@Command(name = "demo", description = "Generate a synthetic 10-patient cohort and take it through the pipeline.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--out", description = "Working folder (default: out/demo in the HistoScale checkout).")
    Path out;

    @Option(names = "--patients", defaultValue = "10", description = "Patients (default ${DEFAULT-VALUE}).")
    int patients;

    @Option(names = "--seed", defaultValue = "17", description = "Cohort seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--fresh", description = "Delete the working folder first.")
    boolean fresh;

    /** Patches at 2 µm/px, 64 px: 128 µm fields, enough context for tumour vs stroma and quick to train on CPU. */
    static final double PATCH_MPP = 2.0;
    static final int PATCH_SIZE = 64;

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        Path dir = out != null ? out : Path.of(System.getProperty("histoscale.root", ".")).resolve("out/demo");
        int cores = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (fresh) deleteTree(dir);
        Path cohortDir = dir.resolve("cohort");
        Path storeDir = dir.resolve("patches");

        System.out.println("== 1. slides: a synthetic cohort of " + patients + " patients x 5 lymph-node slides");
        if (Files.exists(cohortDir.resolve("stage_labels.csv"))) {
            System.out.println("reusing " + cohortDir + " (pass --fresh to regenerate)");
        } else {
            SynthCommand.generate(patients, 5, seed, 1.0, 6.25, cores, cohortDir);
        }
        System.out.println("   truth: " + cohortDir.resolve("stage_labels.csv"));

        System.out.printf("== 2. tiles: tissue detection and %d px patches at %.1f µm/px, labelled from annotations%n",
                PATCH_SIZE, PATCH_MPP);
        Tiler tiler = Tiler.builder().setMpp(PATCH_MPP).setPatchSize(PATCH_SIZE).optThreads(cores)
                .optAnnotations(cohortDir.resolve("annotations")).optThumbnails(storeDir.resolve("thumbnails")).build();
        List<Path> slides = SlideFiles.expand(List.of(cohortDir));
        TileReport report;
        try (PatchStoreWriter writer = Files.exists(storeDir.resolve("manifest.json")) ? PatchStore.append(storeDir)
                : PatchStore.create(storeDir, PatchStoreSpec.builder().patchSize(PATCH_SIZE)
                .labels(tiler.labelNames()).compression(Compression.ZSTD).build());
             ProgressBar bar = Progress.bar("tile", 0, "patches")) {
            AtomicLong planned = new AtomicLong();
            report = tiler.run(slides, writer, new Tiler.Listener() {
                @Override
                public void slideStarted(String slide, int n) {
                    bar.maxHint(planned.addAndGet(n));
                }

                @Override
                public void patchesDone(int count) {
                    bar.stepBy(count);
                }
            });
        }
        TileCommand.print(report);
        try (PatchStore store = PatchStore.open(storeDir)) {
            System.out.printf("   store: %s (%d patches of %d slides, %s)%n", storeDir, store.size(),
                    store.slides().size(), store.spec().describe());
        }
        System.out.println("   thumbnails with tissue and patch grid: " + storeDir.resolve("thumbnails"));
        System.out.printf("demo finished in %.0f s%n", (System.nanoTime() - start) / 1e9);
        return report.failed().isEmpty() ? 0 : 1;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
