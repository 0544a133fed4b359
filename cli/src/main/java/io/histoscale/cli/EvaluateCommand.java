package io.histoscale.cli;

import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.train.DataSources;
import io.histoscale.train.Evaluation;
import io.histoscale.train.metrics.Metrics;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "evaluate", sortOptions = false, description = {
        "Score patches with a trained model: AUC, accuracy, sensitivity and specificity of the positive class.",
        "Optionally writes every patch's class probabilities to a CSV table."})
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "RUN_DIR", description = "Folder of a training run (for cross-validation: one of its fold-N folders).")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "STORE|FOLDER", description = "Patch store, or folder of class sub-folders of images.")
    Path data;

    @Option(names = "--split", defaultValue = "all", description = "all patches, or those of the run's train or val groups (default ${DEFAULT-VALUE}).")
    Evaluation.Part split;

    @Option(names = "--predictions", paramLabel = "CSV", description = "Write per-patch predictions to this CSV file.")
    Path predictions;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = "--patch-size", defaultValue = "0", description = "Side folder images are read at (default: the training data's).")
    int patchSize;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", description = "PyTorch threads (default: all cores).")
    Integer threads;

    @Option(names = "--batch", defaultValue = "64", description = "Patches per batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--workers", description = "Data loader threads (default: half the cores).")
    Integer workers;

    @Override
    public Integer call() {
        int cores = Runtime.getRuntime().availableProcessors();
        Evaluation evaluation = Evaluation.of(model);
        int size = patchSize > 0 ? patchSize : evaluation.run().data().width();
        Evaluation.Result r;
        try (DataSources.Opened opened = DataSources.open(data, size)) {
            evaluation.check(opened.source(), data.toString())
                    .forEach(w -> System.err.println("histoscale: warning: " + w));
            try (ProgressBar bar = ProgressBars.bar("evaluate", opened.source().size(), "patches")) {
                r = evaluation.evaluate(opened.source(), split, device, threads != null ? threads : cores, batch,
                        workers != null ? workers : Math.max(1, cores / 2), bar::stepBy);
            }
            if (predictions != null) {
                writePredictions(r, opened);
            }
        }
        print(r);
        return 0;
    }

    private void writePredictions(Evaluation.Result r, DataSources.Opened opened) {
        try (Writer out = Files.newBufferedWriter(predictions, StandardCharsets.UTF_8)) {
            r.predictions().writeCsv(out, Evaluation.CSV_COLUMNS, i -> Evaluation.csvCells(opened.source(), i));
        } catch (IOException e) {
            throw new UserException("cannot write --predictions " + predictions + ": " + e.getMessage(), e);
        }
    }

    private void print(Evaluation.Result r) {
        Metrics m = r.metrics();
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", r.checkpoint().toString());
            out.put("epoch", r.epoch());
            out.put("data", data.toString());
            out.put("split", split.name().toLowerCase(Locale.ROOT));
            out.put("positiveClass", r.positiveClass());
            out.put("classes", r.predictions().classes());
            out.put("patches", r.predictions().size());
            out.put("labelled", m.count());
            out.put("auc", m.auc());
            out.put("accuracy", m.accuracy());
            out.put("sensitivity", m.sensitivity());
            out.put("specificity", m.specificity());
            out.put("loss", m.loss());
            out.put("confusion", m.confusion());
            if (predictions != null) {
                out.put("predictions", predictions.toString());
            }
            System.out.println(Json.pretty(out));
            return;
        }
        System.out.printf(Locale.ROOT, "%s (epoch %d) on %d patches of %s (%s), positive class %s%n", r.checkpoint(),
                r.epoch(), r.predictions().size(), data, split.name().toLowerCase(Locale.ROOT), r.positiveClass());
        System.out.printf(Locale.ROOT, "AUC %s  accuracy %s  sensitivity %s  specificity %s  (n %d labelled)%n",
                format(m.auc()), format(m.accuracy()), format(m.sensitivity()), format(m.specificity()), m.count());
        System.out.println("confusion (rows: true " + r.predictions().classes() + ", columns: predicted):");
        for (long[] row : m.confusion()) {
            StringBuilder line = new StringBuilder(" ");
            for (long v : row) {
                line.append(String.format(Locale.ROOT, " %8d", v));
            }
            System.out.println(line);
        }
        if (predictions != null) {
            System.out.println("predictions: " + predictions);
        }
    }

    private static String format(Double value) {
        return value == null ? "n/a" : String.format(Locale.ROOT, "%.3f", value);
    }
}
