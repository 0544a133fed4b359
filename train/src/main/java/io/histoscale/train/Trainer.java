package io.histoscale.train;

import io.histoscale.core.Json;
import io.histoscale.core.JsonLines;
import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.histoscale.dataset.PatchSource;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.TorchEngine;
import io.histoscale.train.augment.Augmentation;
import io.histoscale.train.augment.Macenko;
import io.histoscale.train.augment.PatchTransform;
import io.histoscale.train.checkpoint.Checkpoint;
import io.histoscale.train.data.BatchLoader;
import io.histoscale.train.data.HostBatch;
import io.histoscale.train.data.SampleOrder;
import io.histoscale.train.metrics.Metrics;
import io.histoscale.train.step.FlatOptimizer;
import io.histoscale.train.step.GradientAveraging;
import io.histoscale.train.step.TrainStep;

import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains one run (a single split or one cross-validation fold) in its folder, continuing from its last checkpoint
 * when there is one.
 *
 * <p>Files: {@code last.ckpt} (weights, batch-norm statistics, optimiser state and progress; written after every
 * epoch and every {@code checkpointMinutes} within one), {@code best.ckpt} (the model: the weights of the best
 * validation epoch; of the latest epoch without validation; of the last epoch in a cross-validation fold) and
 * {@code metrics.jsonl} (one {@link EpochMetrics} per line).
 * Everything random derives from the seed and the position in the run, so a run resumed from any checkpoint ends with
 * the same weights as one never interrupted.
 *
 * <p>Data parallelism over a {@link ProcessGroup} of N ranks: every rank starts from rank 0's weights, trains on its
 * share of each global batch of N × {@code batchSize} samples ({@link BatchLoader#training(long[], int, int, int,
 * int)}), averages gradients and batch-norm statistics with the others before each optimiser step (so replicas stay
 * identical) and runs the same validation, so all make the same decisions; the peak learning rate is scaled by N
 * (linear scaling rule). Only rank 0 writes files. A run may resume with a different N: the position in the
 * interrupted epoch is kept in samples (rounded down to a whole global batch).
 */
final class Trainer {

    static final String LAST = "last.ckpt";
    static final String BEST = "best.ckpt";
    static final String METRICS = "metrics.jsonl";
    private static final String OPTIMIZER = "optimizer";

    /** Where training stands; the header of {@code last.ckpt}. */
    @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
    static final class Progress {
        /** Epochs finished. */
        int epoch;
        /** Steps done in the current epoch. */
        int step;
        long globalStep;
        int optimizerSteps;
        double lossSum;
        long images;
        double trainSeconds;
        double epochSeconds;
        int bestEpoch;
        int epochsSinceBest;
        boolean finished;
        boolean stoppedEarly;
        List<EpochMetrics> history = new ArrayList<>();
        /** Data-parallel ranks the progress was made with (0 in checkpoints from before there were ranks: 1). */
        int ranks;
    }

    private final RunInfo run;
    private final PatchSource source;
    private final Path dir;
    private final TrainListener listener;
    private final TrainConfig config;
    private final ProcessGroup group;
    /** When the last checkpoint was written (System.nanoTime). */
    private long lastSave;
    /** Up to when the current epoch's time is counted in {@link Progress#epochSeconds} (System.nanoTime). */
    private long epochClock;

    Trainer(RunInfo run, PatchSource source, Path dir, TrainListener listener) {
        this(run, source, dir, listener, ProcessGroup.SINGLE);
    }

    Trainer(RunInfo run, PatchSource source, Path dir, TrainListener listener, ProcessGroup group) {
        this.run = run;
        this.source = source;
        this.dir = dir;
        this.listener = listener;
        this.config = run.config();
        this.group = group;
    }

    TrainResult run() {
        long[] train = Groups.indices(source, run.split().groupBy(), run.split().trainGroups());
        long[] val = Groups.validation(source, run.split().groupBy(), run.split().valGroups(), config.valPatches(),
                config.seed());
        TorchEngine engine = TorchEngine.start(new EngineSettings(config.threads(), 1, config.seed()));
        Device device = engine.device(config.device());
        SampleOrder order = config.balance() ? SampleOrder.balanced(source, train)
                : SampleOrder.shuffled(source, train);
        int ranks = group.size();
        int globalBatch = config.batchSize() * ranks;
        int steps = config.stepsPerEpoch() > 0 ? config.stepsPerEpoch()
                : Math.max(1, train.length / globalBatch);
        LearningRateSchedule schedule = LearningRateSchedule.of(config, steps, ranks);
        listener.runStarted(run, dir, run.split().fold());
        try (Model model = run.model().spec().newModel(device);
             BatchLoader trainLoader = loader(config.augmentation());
             BatchLoader valLoader = loader(Augmentation.NONE)) {
            TrainStep.Builder builder = TrainStep.builder(model).optOptimizer(newOptimizer());
            if (ranks > 1) {
                boolean verify = Boolean.getBoolean(ProcessGroup.VERIFY_PROPERTY);
                builder.optGradientExchange(new GradientAveraging(group, verify));
            }
            TrainStep step = builder.build();
            Progress p = Checkpoint.exists(dir.resolve(LAST)) ? restore(step, steps) : new Progress();
            p.ranks = ranks;
            if (ranks > 1) {
                GradientAveraging.broadcast(group, step.parameters(), 0);
            }
            rewriteMetrics(p.history);
            lastSave = System.nanoTime();
            while (!p.finished) {
                listener.epochStarted(p.epoch + 1, config.epochs(), steps, p.step);
                epochClock = System.nanoTime();
                long[] epochOrder = order.epoch(config.seed(), p.epoch, steps * globalBatch);
                double lr = trainEpoch(p, model, step,
                        trainLoader.training(epochOrder, p.epoch, p.step, group.rank(), ranks), schedule, steps);
                Metrics metrics = null;
                if (val.length > 0) {
                    listener.validationStarted(val.length);
                    metrics = Inference.predict(model, valLoader, val, run.data().labels(), n -> { })
                            .metrics(run.positiveClass());
                }
                countEpochTime(p);
                finishEpoch(p, step, metrics, lr);
            }
            return result(p);
        }
    }

    /** Trains the rest of the current epoch; returns the learning rate of its last step. */
    private double trainEpoch(Progress p, Model model, TrainStep step, BatchLoader.Batches batches,
                              LearningRateSchedule schedule, int steps) {
        double lr = schedule.at(p.globalStep);
        long start = System.nanoTime();
        try (batches) {
            while (batches.hasNext()) {
                HostBatch batch = batches.next();
                lr = schedule.at(p.globalStep);
                step.optimizer().setLearningRate((float) lr);
                float loss;
                try (NDManager manager = model.getNDManager().newSubManager()) {
                    loss = step.run(batch.images(manager), batch.labels(manager));
                }
                p.lossSum += loss;
                p.images += batch.count();
                p.step++;
                p.globalStep++;
                listener.stepFinished(loss);
                if (p.step < steps && System.nanoTime() - lastSave > config.checkpointMinutes() * 60e9) {
                    p.trainSeconds += (System.nanoTime() - start) / 1e9;
                    countEpochTime(p);
                    saveLast(p, step);
                    start = System.nanoTime();
                }
            }
        }
        p.trainSeconds += (System.nanoTime() - start) / 1e9;
        return lr;
    }

    private void countEpochTime(Progress p) {
        long now = System.nanoTime();
        p.epochSeconds += (now - epochClock) / 1e9;
        epochClock = now;
    }

    /** Keeps the model if it is the best, records the epoch, decides whether to go on, and checkpoints. */
    private void finishEpoch(Progress p, TrainStep step, Metrics metrics, double lr) {
        int epoch = p.epoch + 1;
        if (group.size() > 1) {
            // the epoch's loss is the mean over ranks; its images those of all ranks
            double[] all = group.allgather(new double[] {p.lossSum, p.images});
            double loss = 0;
            long images = 0;
            for (int r = 0; r < group.size(); r++) {
                loss += all[2 * r];
                images += (long) all[2 * r + 1];
            }
            p.lossSum = loss / group.size();
            p.images = images;
        }
        boolean best = selectsOnValidation()
                ? metrics == null || p.bestEpoch == 0 || better(metrics, p.history.get(p.bestEpoch - 1).val())
                : epoch == config.epochs();
        if (best) {
            p.bestEpoch = epoch;
            p.epochsSinceBest = 0;
            if (writes()) {
                Weights.put(new Checkpoint(Json.MAPPER.valueToTree(new BestHeader(epoch, metrics))),
                        step.parameters()).write(dir.resolve(BEST));
            }
        } else {
            p.epochsSinceBest++;
        }
        EpochMetrics m = new EpochMetrics(epoch, lr, p.lossSum / Math.max(1, p.step), p.images,
                p.images / Math.max(1e-9, p.trainSeconds), p.epochSeconds, metrics, best);
        p.history.add(m);
        p.stoppedEarly = selectsOnValidation() && config.patience() > 0 && p.epochsSinceBest >= config.patience()
                && epoch < config.epochs();
        p.finished = p.stoppedEarly || epoch == config.epochs();
        p.epoch = epoch;
        p.step = 0;
        p.lossSum = 0;
        p.images = 0;
        p.trainSeconds = 0;
        p.epochSeconds = 0;
        saveLast(p, step);
        appendMetrics(m);
        listener.epochFinished(m);
    }

    private FlatOptimizer newOptimizer() {
        float lr = (float) config.learningRate();
        float decay = (float) config.weightDecay();
        return config.optimizer().equals("adam") ? FlatOptimizer.adam(lr, decay)
                : FlatOptimizer.sgd(lr, (float) config.momentum(), decay);
    }

    /**
     * Whether the kept model is the best validation epoch (which may stop training early): yes for a single split; no
     * for a cross-validation fold, whose validation patches are its held-out test patches and so must not choose the
     * model. A fold keeps its last epoch.
     */
    private boolean selectsOnValidation() {
        return run.split().fold() == null;
    }

    /**
     * Whether validation metrics beat the best so far: a higher AUC, or the same AUC (or none, when the validation
     * patches hold one class) with a lower loss.
     */
    static boolean better(Metrics now, Metrics best) {
        double auc = now.auc() == null ? 0 : now.auc();
        double bestAuc = best.auc() == null ? 0 : best.auc();
        return auc > bestAuc || auc == bestAuc && now.loss() < best.loss();
    }

    /** What {@code best.ckpt}'s header says: the epoch and its validation metrics. */
    record BestHeader(int epoch, Metrics val) {
    }

    private BatchLoader loader(Augmentation augmentation) {
        RunInfo.ModelInfo m = run.model();
        Macenko normaliser = run.stainReference() == null ? null : new Macenko(run.stainReference());
        PatchTransform transform = new PatchTransform(source.width(), source.height(), m.downsample(), m.inputSize(),
                augmentation, normaliser);
        return BatchLoader.builder(source, transform).setBatchSize(config.batchSize()).optWorkers(config.workers())
                .optPrefetch(config.prefetch()).optSeed(config.seed()).build();
    }

    /** Whether this process writes the run's files: rank 0 only. */
    private boolean writes() {
        return group.rank() == 0;
    }

    private Progress restore(TrainStep step, int steps) {
        Path file = dir.resolve(LAST);
        Checkpoint checkpoint = Checkpoint.read(file);
        Progress p;
        try {
            p = Json.MAPPER.treeToValue(checkpoint.header(), Progress.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        Weights.load(checkpoint, step.parameters(), file);
        step.optimizer().importState(step.parameters().segments(), checkpoint.section(OPTIMIZER), p.optimizerSteps);
        if (group.rank() != 0) {
            p.images = 0; // the checkpoint's count (rank 0's) is summed over the ranks at the end of the epoch
        }
        int ranksBefore = Math.max(1, p.ranks);
        if (ranksBefore != group.size()) {
            if (config.stepsPerEpoch() == 0) {
                long samples = (long) p.step * config.batchSize() * ranksBefore;
                p.step = (int) (samples / ((long) config.batchSize() * group.size()));
            }
            p.globalStep = (long) p.epoch * steps + p.step;
        }
        return p;
    }

    private void saveLast(Progress p, TrainStep step) {
        lastSave = System.nanoTime();
        if (!writes()) {
            return;
        }
        p.optimizerSteps = step.optimizer().steps();
        Checkpoint checkpoint = Weights.put(new Checkpoint(Json.MAPPER.valueToTree(p)), step.parameters());
        FloatBuffer optimizer = Checkpoint.floats(step.optimizer().stateSize());
        step.optimizer().exportState(optimizer);
        checkpoint.add(OPTIMIZER, optimizer.flip()).write(dir.resolve(LAST));
    }

    /** The checkpoint is the record of finished epochs; metrics.jsonl is made to agree with it. */
    private void rewriteMetrics(List<EpochMetrics> history) {
        if (!writes()) {
            return;
        }
        JsonLines.rewrite(dir.resolve(METRICS), history);
    }

    private void appendMetrics(EpochMetrics m) {
        if (!writes()) {
            return;
        }
        JsonLines.append(dir.resolve(METRICS), m);
    }

    private TrainResult result(Progress p) {
        Metrics best = p.bestEpoch > 0 ? p.history.get(p.bestEpoch - 1).val() : null;
        return new TrainResult(dir, List.copyOf(p.history), p.bestEpoch, best, p.stoppedEarly);
    }
}
