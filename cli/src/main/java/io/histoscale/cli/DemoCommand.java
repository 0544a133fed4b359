package io.histoscale.cli;

import io.histoscale.dataset.store.PatchStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The pathologist's story on an embedded default: 10 patients × 5 lymph-node slides, generated here, through the
 * pipeline. Re-running reuses what is already there (the cohort, tiled slides); {@code --fresh} starts over.
 */
@Command(name = "demo", description = {"Generate a synthetic 10-patient cohort and take it through the pipeline:",
        "slides -> patches -> a trained model -> a pN stage per patient with heatmaps, kappa and report.html."})
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
        int tiled = Main.commandLine(new TileCommand()).execute(cohortDir.toString(), "--annotations",
                cohortDir.resolve("annotations").toString(), "--mpp", Double.toString(PATCH_MPP), "--size",
                Integer.toString(PATCH_SIZE), "--threads", Integer.toString(cores), "--out", storeDir.toString());
        if (tiled != 0) return tiled;
        try (PatchStore store = PatchStore.open(storeDir)) {
            System.out.printf("   store: %s (%d patches of %d slides, %s)%n", storeDir, store.size(),
                    store.slides().size(), store.spec().describe());
        }
        System.out.println("   thumbnails with tissue and patch grid: " + storeDir.resolve("thumbnails"));

        Path runDir = dir.resolve("run");
        System.out.println("== 3. train: a small CNN on the patches, split by patient, tumour patches balanced");
        if (Files.exists(runDir.resolve("run.json"))) {
            // Resuming a finished run returns at once; an interrupted one continues where it stopped.
            System.out.println("resuming the training run in " + runDir + " (pass --fresh to retrain)");
            int status = Main.commandLine(new TrainCommand()).execute("--resume", runDir.toString());
            if (status != 0) return status;
        } else {
            int status = Main.commandLine(new TrainCommand()).execute("--data", storeDir.toString(), "--model", "small",
                    "--epochs", "3", "--batch", "64", "--steps-per-epoch", "60", "--lr", "2e-3", "--balance",
                    "--group-by", "patient", "--val-patches", "2000", "--seed", Long.toString(seed),
                    "--threads", Integer.toString(cores), "--out", runDir.toString());
            if (status != 0) return status;
        }

        System.out.println("== 4. stage: whole-slide heatmaps -> lesions in mm -> slide labels -> patient pN stage");
        Path reportDir = dir.resolve("report");
        int status = Main.commandLine(new StageCommand()).execute("--model", runDir.toString(), "--slides", cohortDir.toString(),
                "--truth", cohortDir.resolve("stage_labels.csv").toString(), "--threads", Integer.toString(cores),
                "--out", reportDir.toString());
        System.out.printf("demo finished in %.0f s; open %s in a browser%n", (System.nanoTime() - start) / 1e9,
                reportDir.resolve("report.html").toAbsolutePath());
        return status;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
