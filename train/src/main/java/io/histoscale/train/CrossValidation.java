package io.histoscale.train;

import ai.djl.Model;
import io.histoscale.core.AtomicFiles;
import io.histoscale.core.Json;
import io.histoscale.dataset.PatchSource;
import io.histoscale.dataset.Splits;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.TorchEngine;
import io.histoscale.train.metrics.Metrics;
import io.histoscale.train.metrics.Predictions;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Group-wise K-fold cross-validation: fold {@code k} trains in {@code fold-k/} on the other folds' groups and its last
 * epoch is scored on its own groups; nothing of a held-out patient, slide or centre is trained on or chooses the
 * model (no early stopping, no best-epoch pick). The summary goes to
 * {@code cv.json}, every held-out patch's prediction to {@code cv-predictions.csv}. Finished folds are not re-run
 * when the cross-validation is resumed.
 */
final class CrossValidation {

    static final String SUMMARY = "cv.json";
    static final String PREDICTIONS = "cv-predictions.csv";

    private CrossValidation() {
    }

    static CrossValidationResult run(RunInfo parent, PatchSource source, Path dir, TrainListener listener) {
        var c = parent.config();
        List<Splits.Fold> folds = Splits.by(c.groupBy()).seed(c.seed()).kFold(source, c.cvFolds());
        List<CrossValidationResult.Fold> results = new ArrayList<>();
        Predictions pooled = new Predictions(parent.data().labels());
        Map<Long, Integer> foldOf = new HashMap<>();
        for (Splits.Fold fold : folds) {
            Path foldDir = dir.resolve("fold-" + fold.number());
            RunInfo run;
            if (Files.exists(foldDir.resolve(RunInfo.FILE))) {
                run = RunInfo.read(foldDir);
            } else {
                run = Training.withSplit(parent, source, fold.train().groups(), fold.val().groups(), fold.number());
                run.write(foldDir);
            }
            TrainResult trained = RunFolder.train(run, source, foldDir, listener, ProcessGroup.SINGLE);
            long[] held = Groups.indices(source, c.groupBy(), run.split().valGroups());
            TorchEngine engine = TorchEngine.start(new EngineSettings(c.threads(), 1, c.seed()));
            Predictions predictions;
            Path best = foldDir.resolve(RunFolder.BEST);
            try (Model model = Evaluation.load(run, Evaluation.read(best), best, engine.device(c.device()))) {
                predictions = Evaluation.predict(run, model, source, held, c.batchSize(), c.workers(), n -> { });
            }
            pooled.addAll(predictions);
            predictions.rows().forEach(r -> foldOf.put(r.index(), fold.number()));
            results.add(new CrossValidationResult.Fold(fold.number(), run.split().valGroups(), trained.bestEpoch(),
                    predictions.metrics(parent.positiveClass())));
        }
        List<Double> aucs = results.stream().map(f -> f.metrics().auc()).filter(a -> a != null).toList();
        Double mean = aucs.isEmpty() ? null : aucs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        Double sd = aucs.size() < 2 ? null : Math.sqrt(aucs.stream().mapToDouble(a -> (a - mean) * (a - mean)).sum()
                / (aucs.size() - 1));
        Metrics pooledMetrics = pooled.metrics(parent.positiveClass());
        CrossValidationResult result = new CrossValidationResult(c.groupBy(), results, pooledMetrics, mean, sd,
                aucs.size());
        AtomicFiles.writeString(dir.resolve(SUMMARY), Json.pretty(result) + "\n");
        StringWriter csv = new StringWriter();
        List<String> columns = new ArrayList<>(List.of("fold"));
        columns.addAll(Evaluation.CSV_COLUMNS);
        pooled.writeCsv(csv, columns, index -> {
            List<String> cells = new ArrayList<>(List.of(Integer.toString(foldOf.get(index))));
            cells.addAll(Evaluation.csvCells(source, index));
            return cells;
        });
        AtomicFiles.writeString(dir.resolve(PREDICTIONS), csv.toString());
        return result;
    }
}
