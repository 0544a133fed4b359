package io.histoscale.search.worker;

import io.histoscale.core.UserException;
import io.histoscale.registry.RunRegistry;
import io.histoscale.registry.RunStatus;
import io.histoscale.search.SearchConfig;
import io.histoscale.search.TrialState;
import io.histoscale.search.TrialSettings;
import io.histoscale.train.EpochMetrics;
import io.histoscale.train.RunInfo;
import io.histoscale.train.TrainConfig;
import io.histoscale.train.TrainListener;
import io.histoscale.train.TrainRequest;
import io.histoscale.train.Training;
import io.histoscale.train.metrics.Metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A trial that is an ordinary training run: the study's training settings with the trial's parameters (an
 * architecture's genes become its {@code model} name), trained into the trial's folder and recorded in the run
 * registry like any {@code histoscale train}. It reports the study's metric after every epoch and stops when told.
 * A trial handed out again after its worker died continues its run from the last checkpoint.
 */
public final class TrainingTrial implements TrialRunner {

    private final SearchConfig config;
    private final String store;
    private final String codeVersion;

    /**
     * @param store the registry the trials' runs are recorded in (the study's)
     */
    public TrainingTrial(SearchConfig config, String store, String codeVersion) {
        this.config = config;
        this.store = store;
        this.codeVersion = codeVersion;
    }

    @Override
    public Outcome run(Trial trial) {
        TrainConfig train = TrialSettings.trainConfig(config, trial.params());
        Path dir = trial.dir();
        Reporter reporter = new Reporter(trial);
        try (RunRegistry registry = RunRegistry.open(store)) {
            String runId = trial.runId();
            if (runId == null) {
                runId = registry.newRun("train")
                        .setCommand(List.of("search", "trial", config.study(), Integer.toString(trial.number())))
                        .optConfig(train.toMap()).optExecutor("search").optWorkDir(dir.toString())
                        .optMetricsFile(dir.resolve("metrics.jsonl").toString()).create();
                trial.attachRun(runId);
            }
            registry.started(runId, RunRegistry.hostName());
            try {
                Training.Outcome done;
                if (Files.isRegularFile(dir.resolve(RunInfo.FILE))) {
                    done = Training.resume(dir, null, reporter);
                } else {
                    deleteTree(dir); // a folder left half-made by a worker that died before its first file
                    done = Training.start(TrainRequest.builder(train, Path.of(config.data()), dir)
                            .optCodeVersion(codeVersion)
                            .optCommand(List.of("search", "trial", config.study(), Integer.toString(trial.number())))
                            .optListener(reporter).build());
                }
                // the whole run's epochs: a continued trial's earlier ones count too
                List<EpochMetrics> history = done.result().epochs();
                int epochs = history.size();
                Double best = null;
                for (EpochMetrics m : history) {
                    double v = metric(config.metric(), m);
                    if (best == null || config.loss(v) < config.loss(best)) best = v;
                }
                Double last = epochs == 0 ? null : metric(config.metric(), history.get(epochs - 1));
                Outcome outcome = reporter.stopped
                        ? new Outcome(TrialState.PRUNED, last, epochs, "stopped after epoch " + epochs)
                        : new Outcome(TrialState.COMPLETE, best, epochs, null);
                Map<String, Double> metrics = new LinkedHashMap<>();
                if (best != null) metrics.put(config.metric(), best);
                metrics.put("epochs", (double) epochs);
                registry.putMetrics(runId, metrics);
                registry.putArtefacts(runId, Map.of("run", dir.toString()));
                registry.finished(runId, RunStatus.COMPLETED, 0, reporter.stopped
                        ? "trial " + trial.number() + " of study " + config.study() + " stopped early by the scheduler"
                        : null);
                return outcome;
            } catch (RuntimeException e) {
                registry.finished(runId, RunStatus.FAILED, 1, e.getMessage() == null ? e.toString()
                        : e.getMessage().lines().findFirst().orElse(""));
                throw e;
            }
        }
    }

    /** The study's metric of an epoch. */
    static double metric(String metric, EpochMetrics m) {
        Metrics val = m.val();
        Double v = val == null ? null : switch (metric) {
            case "val_auc" -> val.auc();
            case "val_accuracy" -> val.accuracy();
            case "val_loss" -> val.loss();
            default -> throw new IllegalArgumentException(metric);
        };
        if (v == null || !Double.isFinite(v)) {
            throw new UserException("epoch " + m.epoch() + " has no " + metric + (val == null
                    ? ": the search needs a validation split (val_fraction > 0)"
                    : " (the validation patches hold one class): give data with both classes in validation"));
        }
        return v;
    }

    /** Reports each epoch's metric to the study and stops training when the study says so. */
    private final class Reporter implements TrainListener {
        private final Trial trial;
        private boolean stopped;
        private boolean keepGoing = true;

        Reporter(Trial trial) {
            this.trial = trial;
        }

        @Override
        public void epochFinished(EpochMetrics m) {
            keepGoing = trial.report(m.epoch(), metric(config.metric(), m));
        }

        @Override
        public boolean keepGoing(EpochMetrics metrics) {
            if (!keepGoing) stopped = true;
            return keepGoing;
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
        } catch (IOException e) {
            throw new UserException("cannot clear the trial folder " + dir + ": " + e.getMessage());
        }
    }
}
