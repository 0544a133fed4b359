package io.histoscale.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.histoscale.core.Json;
import io.histoscale.dataset.PatchSource;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.FlatParameters;
import io.histoscale.model.ModelSpec;
import io.histoscale.model.ModelWeights;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The one training loop of HistoScale: a run ({@link RunFolder}), each cross-validation fold, every data-parallel
 * rank and every federated site's task ({@link Training#fit}) train through it, with the same optimiser, schedule,
 * sampling, augmentation, validation and model selection.
 *
 * <p>It trains a {@link Segment} of a training budget: epochs {@code from..to} of a schedule spanning
 * {@code budgetEpochs} epochs (a run: all of {@code 0..epochs}; a federated round: its share). Step {@code s} of the
 * budget has the same learning rate, sample order and augmentation wherever and whenever it is trained: everything
 * random derives from the seed and the position in the budget. So a run resumed from any checkpoint ends with the same
 * weights as one never interrupted, and a federated "central" task equals a run on the same data.
 *
 * <p>Data parallelism over a {@link ProcessGroup} of N ranks: every rank starts from rank 0's weights, trains on its
 * share of each global batch of N × {@code batchSize} samples, averages gradients and batch-norm statistics before
 * each optimiser step (so replicas stay identical) and runs the same validation, so all make the same decisions; the
 * peak learning rate is scaled by N (linear scaling rule). A run may resume with a different N: the position in the
 * interrupted epoch is kept in samples (rounded down to a whole global batch).
 */
final class Trainer {

    /**
     * What training works on.
     *
     * @param spec           the network
     * @param downsample     factor patches are shrunk by before cropping
     * @param train          labelled training patches, ascending
     * @param val            validation patches, ascending (possibly none)
     * @param positiveClass  class validation AUC refers to
     * @param stainReference Macenko reference stains, or null
     */
    record Setup(TrainConfig config, ModelSpec spec, int downsample, PatchSource source, long[] train, long[] val,
                 List<String> classes, int positiveClass, Macenko.Stains stainReference) {
    }

    /**
     * The stretch of a training budget to train.
     *
     * @param fromEpoch    where it starts, in epochs of the budget
     * @param toEpoch      where it ends (exclusive); may be fractional
     * @param budgetEpochs epochs the learning-rate schedule spans
     * @param keepBest     keep the weights of the best validation epoch (stopping after {@code patience} epochs
     *                     without a better one, when > 0); otherwise the last weights
     * @param patience     see {@code keepBest}
     */
    record Segment(double fromEpoch, double toEpoch, double budgetEpochs, boolean keepBest, int patience) {
        Segment {
            if (!(0 <= fromEpoch && fromEpoch < toEpoch && toEpoch <= budgetEpochs + 1e-9)) {
                throw new IllegalArgumentException("segment " + fromEpoch + ".." + toEpoch + " of a budget of "
                        + budgetEpochs + " epochs");
            }
        }
    }

    /** Where training stands: the header of {@code last.ckpt}. */
    @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
    static final class State {
        /** Epochs finished (in the budget). */
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

    /** Where training's products go: a run folder, or memory for a federated task. */
    interface Output {
        /** The checkpoint file to continue from, or null to start the segment afresh. */
        Path lastCheckpoint();

        /** Whether {@link #checkpoint} keeps anything (so that the loop does not build checkpoints for nothing). */
        boolean keepsCheckpoints();

        /** The loop (re)starts with these epochs finished. */
        void started(List<EpochMetrics> history);

        /** The current weights became the kept model. */
        void best(FlatParameters parameters, int epoch, Metrics val);

        /** Where training stands now, for a resume. */
        void checkpoint(Checkpoint checkpoint);

        /** An epoch finished. */
        void epochFinished(EpochMetrics metrics);
    }

    /** What the segment did, over its whole length (across resumes only for the finished epochs' history). */
    record Summary(List<EpochMetrics> history, int bestEpoch, Metrics best, boolean stoppedEarly, long steps,
                   long images, double trainSeconds, double lossSum, int stepsPerEpoch) {
    }

    private static final String OPTIMIZER = "optimizer";

    private final Setup setup;
    private final TrainConfig config;
    private final Segment segment;
    private final Output output;
    private final TrainListener listener;
    private final ProcessGroup group;
    private final ModelWeights start;
    private final Consumer<FlatParameters> gradientHook;
    /** When the last checkpoint was written (System.nanoTime). */
    private long lastSave;
    /** Up to when the current epoch's time is counted in {@link State#epochSeconds} (System.nanoTime). */
    private long epochClock;
    private long segmentSteps;
    private long segmentImages;
    private double segmentSeconds;
    private double segmentLoss;

    /**
     * @param start        weights to start from, or null for the network's seeded initial weights
     * @param gradientHook runs after the gradients are complete (and averaged over ranks), before the optimiser
     *                     step, or null
     */
    Trainer(Setup setup, Segment segment, Output output, TrainListener listener, ProcessGroup group,
            ModelWeights start, Consumer<FlatParameters> gradientHook) {
        this.setup = setup;
        this.config = setup.config();
        this.segment = segment;
        this.output = output;
        this.listener = listener;
        this.group = group;
        this.start = start;
        this.gradientHook = gradientHook;
    }

    /** Steps per epoch for {@code trainPatches} patches over {@code ranks} ranks. */
    static int stepsPerEpoch(TrainConfig config, long trainPatches, int ranks) {
        return config.stepsPerEpoch() > 0 ? config.stepsPerEpoch()
                : (int) Math.max(1, trainPatches / ((long) config.batchSize() * ranks));
    }

    Summary run() {
        TorchEngine engine = TorchEngine.start(new EngineSettings(config.threads(), 1, config.seed()));
        Device device = engine.device(config.device());
        SampleOrder order = config.balance() ? SampleOrder.balanced(setup.source(), setup.train())
                : SampleOrder.shuffled(setup.source(), setup.train());
        int ranks = group.size();
        int globalBatch = config.batchSize() * ranks;
        int steps = stepsPerEpoch(config, setup.train().length, ranks);
        LearningRateSchedule schedule = LearningRateSchedule.of(config, steps, ranks, segment.budgetEpochs());
        long firstStep = Math.round(segment.fromEpoch() * steps);
        long endStep = Math.max(firstStep + 1, Math.round(segment.toEpoch() * steps));
        try (Model model = setup.spec().newModel(device, config.seed());
             BatchLoader trainLoader = loader(config.augmentation());
             BatchLoader valLoader = loader(Augmentation.NONE)) {
            TrainStep step = newStep(model);
            if (start != null) {
                start.into(step.parameters());
            }
            Path last = output.lastCheckpoint();
            State p = last != null ? restore(last, step, steps) : fresh(firstStep, steps);
            p.ranks = ranks;
            if (ranks > 1) {
                GradientAveraging.broadcast(group, step.parameters(), 0);
            }
            output.started(p.history);
            lastSave = System.nanoTime();
            int displayEpochs = (int) Math.ceil(segment.toEpoch() - 1e-9);
            while (!p.finished) {
                int epochSteps = (int) Math.min(steps, endStep - (long) p.epoch * steps);
                listener.epochStarted(p.epoch + 1, displayEpochs, epochSteps, p.step);
                epochClock = System.nanoTime();
                long[] epochOrder = order.epoch(config.seed(), p.epoch, steps * globalBatch);
                if (epochSteps < steps) {
                    epochOrder = Arrays.copyOf(epochOrder, epochSteps * globalBatch);
                }
                double lr = trainEpoch(p, model, step,
                        trainLoader.training(epochOrder, p.epoch, p.step, group.rank(), ranks), schedule, epochSteps);
                Metrics metrics = null;
                if (setup.val().length > 0) {
                    listener.validationStarted(setup.val().length);
                    metrics = Inference.predict(model, valLoader, setup.val(), setup.classes(), n -> { })
                            .metrics(setup.positiveClass());
                }
                countEpochTime(p);
                finishEpoch(p, step, metrics, lr, p.globalStep >= endStep);
                if (!p.finished && !listener.keepGoing(p.history.get(p.history.size() - 1))) {
                    p.finished = true;
                    p.stoppedEarly = true;
                }
            }
            Metrics best = p.bestEpoch > 0 ? historyOf(p, p.bestEpoch).val() : null;
            return new Summary(List.copyOf(p.history), p.bestEpoch, best, p.stoppedEarly, segmentSteps,
                    segmentImages, segmentSeconds, segmentLoss, steps);
        }
    }

    private TrainStep newStep(Model model) {
        TrainStep.Builder builder = TrainStep.builder(model).optOptimizer(newOptimizer());
        Consumer<FlatParameters> hook = null;
        if (group.size() > 1) {
            hook = new GradientAveraging(group, Boolean.getBoolean(ProcessGroup.VERIFY_PROPERTY));
        }
        if (gradientHook != null) {
            hook = hook == null ? gradientHook : hook.andThen(gradientHook);
        }
        if (hook != null) {
            builder.optGradientExchange(hook);
        }
        return builder.build();
    }

    private static State fresh(long firstStep, int steps) {
        State p = new State();
        p.globalStep = firstStep;
        p.epoch = (int) (firstStep / steps);
        p.step = (int) (firstStep % steps);
        return p;
    }

    private static EpochMetrics historyOf(State p, int epoch) {
        for (EpochMetrics m : p.history) {
            if (m.epoch() == epoch) {
                return m;
            }
        }
        throw new IllegalStateException("no metrics of epoch " + epoch);
    }

    /** Trains the rest of the current epoch (up to {@code steps} steps); returns the rate of its last step. */
    private double trainEpoch(State p, Model model, TrainStep step, BatchLoader.Batches batches,
                              LearningRateSchedule schedule, int steps) {
        double lr = schedule.at(p.globalStep);
        long begin = System.nanoTime();
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
                segmentSteps++;
                segmentImages += batch.count();
                segmentLoss += loss;
                listener.stepFinished(loss);
                if (p.step < steps && output.keepsCheckpoints()
                        && System.nanoTime() - lastSave > config.checkpointMinutes() * 60e9) {
                    double seconds = (System.nanoTime() - begin) / 1e9;
                    p.trainSeconds += seconds;
                    segmentSeconds += seconds;
                    countEpochTime(p);
                    saveLast(p, step);
                    begin = System.nanoTime();
                }
            }
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        p.trainSeconds += seconds;
        segmentSeconds += seconds;
        return lr;
    }

    private void countEpochTime(State p) {
        long now = System.nanoTime();
        p.epochSeconds += (now - epochClock) / 1e9;
        epochClock = now;
    }

    /** Keeps the model if it is the best, records the epoch, decides whether to go on, and checkpoints. */
    private void finishEpoch(State p, TrainStep step, Metrics metrics, double lr, boolean atEnd) {
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
        boolean best = segment.keepBest()
                ? metrics == null || p.bestEpoch == 0 || better(metrics, historyOf(p, p.bestEpoch).val())
                : atEnd;
        if (best) {
            p.bestEpoch = epoch;
            p.epochsSinceBest = 0;
            output.best(step.parameters(), epoch, metrics);
        } else {
            p.epochsSinceBest++;
        }
        EpochMetrics m = new EpochMetrics(epoch, lr, p.lossSum / Math.max(1, p.step), p.images,
                p.images / Math.max(1e-9, p.trainSeconds), p.epochSeconds, metrics, best);
        p.history.add(m);
        p.stoppedEarly = segment.keepBest() && segment.patience() > 0 && p.epochsSinceBest >= segment.patience()
                && !atEnd;
        p.finished = p.stoppedEarly || atEnd;
        p.epoch = epoch;
        p.step = 0;
        p.lossSum = 0;
        p.images = 0;
        p.trainSeconds = 0;
        p.epochSeconds = 0;
        saveLast(p, step);
        output.epochFinished(m);
        listener.epochFinished(m);
    }

    private FlatOptimizer newOptimizer() {
        float lr = (float) config.learningRate();
        float decay = (float) config.weightDecay();
        return switch (config.optimizer()) {
            case ADAM -> FlatOptimizer.adam(lr, decay);
            case SGD -> FlatOptimizer.sgd(lr, (float) config.momentum(), decay);
        };
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

    private BatchLoader loader(Augmentation augmentation) {
        Macenko normaliser = setup.stainReference() == null ? null : new Macenko(setup.stainReference());
        PatchSource source = setup.source();
        PatchTransform transform = new PatchTransform(source.width(), source.height(), setup.downsample(),
                setup.spec().inputSize(), augmentation, normaliser);
        return BatchLoader.builder(source, transform).setBatchSize(config.batchSize()).optWorkers(config.workers())
                .optPrefetch(config.prefetch()).optSeed(config.seed()).build();
    }

    private State restore(Path file, TrainStep step, int steps) {
        Checkpoint checkpoint = Checkpoint.read(file);
        State p;
        try {
            p = Json.MAPPER.treeToValue(checkpoint.header(), State.class);
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

    private void saveLast(State p, TrainStep step) {
        lastSave = System.nanoTime();
        if (!output.keepsCheckpoints()) {
            return;
        }
        p.optimizerSteps = step.optimizer().steps();
        Checkpoint checkpoint = Weights.put(new Checkpoint(Json.MAPPER.valueToTree(p)), step.parameters());
        FloatBuffer optimizer = Checkpoint.floats(step.optimizer().stateSize());
        step.optimizer().exportState(optimizer);
        output.checkpoint(checkpoint.add(OPTIMIZER, optimizer.flip()));
    }
}
