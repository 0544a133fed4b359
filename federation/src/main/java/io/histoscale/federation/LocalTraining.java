package io.histoscale.federation;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import io.histoscale.dataset.PatchSource;
import io.histoscale.model.FlatParameters;
import io.histoscale.model.ModelSpec;
import io.histoscale.train.Inference;
import io.histoscale.train.LearningRateSchedule;
import io.histoscale.train.augment.Augmentation;
import io.histoscale.train.augment.PatchTransform;
import io.histoscale.train.data.BatchLoader;
import io.histoscale.train.data.HostBatch;
import io.histoscale.train.data.SampleOrder;
import io.histoscale.train.metrics.Metrics;
import io.histoscale.train.step.FlatOptimizer;
import io.histoscale.train.step.TrainStep;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * Training at one site from given weights, on the site's own patches: what every strategy asks a site to do. Built
 * from the train module's parts (flat parameters, {@link TrainStep}, {@link FlatOptimizer}, {@link BatchLoader},
 * {@link SampleOrder}); the optimiser starts afresh for every task, as in FedAvg.
 *
 * <p>FedProx's proximal term {@code mu/2 |w - w_global|^2} is added through the train step's gradient hook, which
 * runs between the backward pass and the optimiser step: the gradient gains {@code mu (w - w_global)}.
 */
public final class LocalTraining implements AutoCloseable {

    /** What a task asks for; {@code learningRate} is the schedule's peak. */
    public record Task(double epochs, int patience, double learningRate, String optimizer, double mu, int batchSize,
                       long seed, Schedule schedule) {
    }

    /**
     * The learning rate over a strategy's whole training budget ({@code constant} or {@code cosine}: annealed to 0
     * at its end) and the share {@code from..to} of that budget one task covers. The task's steps are laid evenly
     * along its share, so a rate is a function of global progress alone: 90 central steps over the whole budget get
     * the same rates as 90 one-step cyclical hops, and a site needs nothing but its task.
     */
    public record Schedule(String kind, double from, double to) {
        public static final List<String> KINDS = List.of("constant", "cosine");
        public static final Schedule CONSTANT = new Schedule("constant", 0, 1);

        public Schedule {
            if (!KINDS.contains(kind)) {
                throw new IllegalArgumentException("learning-rate schedule '" + kind + "' is not one of " + KINDS);
            }
            if (!(0 <= from && from < to && to <= 1)) {
                throw new IllegalArgumentException("budget share " + from + ".." + to + " is not within 0..1");
            }
        }

        /** The rate of step {@code step} (from 0) of a task of {@code steps} steps, for the peak rate {@code peak}. */
        public double rate(double peak, long step, long steps) {
            // the train module's schedule over the whole budget, counted in steps of this task's size
            long whole = Math.max(steps, Math.round(steps / (to - from)));
            long first = Math.round(from * whole);
            return new LearningRateSchedule(kind, peak, 0, whole, 1, 1).at(first + step);
        }
    }

    /** What a task produced: the weights to hand on and aggregate numbers only. */
    public record Outcome(ModelWeights weights, long samples, long steps, double epochs, double trainSeconds,
                          double trainLoss, Metrics validation) {
    }

    private final PatchSource source;
    private final long[] train;
    private final long[] validation;
    private final Plan.ModelPlan modelPlan;
    private final Model model;
    private final FlatParameters flat;
    private final SampleOrder order;
    private final int workers;
    private final List<String> classes;
    private final int positiveClass;

    public LocalTraining(PatchSource source, long[] train, long[] validation, Plan.ModelPlan modelPlan, Device device,
                         int workers) {
        this.source = source;
        this.train = train;
        this.validation = validation;
        this.modelPlan = modelPlan;
        this.workers = workers;
        ModelSpec spec = modelPlan.spec();
        this.model = spec.newModel(device);
        this.flat = FlatParameters.of(model);
        this.order = SampleOrder.shuffled(source, train);
        this.classes = source.labelNames();
        this.positiveClass = positiveClass(classes);
    }

    /** The class AUC and sensitivity refer to: tumour when there is such a class, else the second. */
    public static int positiveClass(List<String> classes) {
        for (int i = 0; i < classes.size(); i++) {
            if (classes.get(i).toLowerCase().startsWith("tumo")) {
                return i;
            }
        }
        return Math.min(1, classes.size() - 1);
    }

    public Plan.ModelPlan modelPlan() {
        return modelPlan;
    }

    public FlatParameters parameters() {
        return flat;
    }

    /**
     * Trains from {@code start}. With {@code patience > 0}, up to {@code ceil(epochs)} whole epochs, stopping when
     * validation has not improved for {@code patience} epochs, and returns the best epoch's weights; otherwise
     * {@code epochs} (possibly fractional) epochs, returning the last weights.
     */
    public Outcome run(ModelWeights start, Task task) {
        start.into(flat);
        FloatBuffer global = task.mu() > 0 ? copy(start.parameters()) : null;
        FlatOptimizer optimizer = task.optimizer().equals("sgd") ? FlatOptimizer.sgd((float) task.learningRate(), 0.9f, 0f)
                : FlatOptimizer.adam((float) task.learningRate(), 0f);
        TrainStep.Builder builder = TrainStep.builder(model).optOptimizer(optimizer);
        if (global != null) {
            builder.optGradientExchange(proximal(global, (float) task.mu()));
        }
        TrainStep step = builder.build();
        int stepsPerEpoch = Math.max(1, (int) Math.ceil(train.length / (double) task.batchSize()));
        long totalSteps = Math.max(1, Math.round(task.epochs() * stepsPerEpoch));
        boolean early = task.patience() > 0 && validation.length > 0;
        long steps = 0;
        long samples = 0;
        double lossSum = 0;
        double seconds = 0;
        ModelWeights best = null;
        Metrics bestMetrics = null;
        Metrics last = null;
        int sinceBest = 0;
        try (BatchLoader loader = loader(task, augmentation()); BatchLoader evaluation = loader(task, Augmentation.NONE)) {
            while (steps < totalSteps) {
                int epochSteps = (int) Math.min(stepsPerEpoch, totalSteps - steps);
                // a pure function of the task: the same start and task give the same weights at any site, any time
                int epoch = (int) (steps / stepsPerEpoch);
                long[] epochOrder = order.epoch(task.seed(), epoch, epochSteps * task.batchSize());
                long begin = System.nanoTime();
                try (BatchLoader.Batches batches = loader.training(epochOrder, epoch, 0)) {
                    while (batches.hasNext()) {
                        HostBatch batch = batches.next();
                        optimizer.setLearningRate((float) task.schedule().rate(task.learningRate(), steps, totalSteps));
                        try (NDManager m = model.getNDManager().newSubManager()) {
                            lossSum += step.run(batch.images(m), batch.labels(m));
                        }
                        steps++;
                        samples += batch.count();
                    }
                }
                seconds += (System.nanoTime() - begin) / 1e9;
                if (early || steps >= totalSteps) {
                    last = validation.length > 0 ? evaluate(evaluation) : null;
                }
                if (early) {
                    if (best == null || better(last, bestMetrics)) {
                        best = ModelWeights.of(flat);
                        bestMetrics = last;
                        sinceBest = 0;
                    } else if (++sinceBest >= task.patience()) {
                        break;
                    }
                }
            }
        }
        ModelWeights result = early ? best : ModelWeights.of(flat);
        return new Outcome(result, samples, steps, steps / (double) stepsPerEpoch, seconds,
                lossSum / Math.max(1, steps), early ? bestMetrics : last);
    }

    /** Validation metrics of the current weights. */
    private Metrics evaluate(BatchLoader loader) {
        return Inference.predict(model, loader, validation, classes, n -> { }).metrics(positiveClass);
    }

    /** Higher AUC, or equal AUC (or none) and lower loss. */
    static boolean better(Metrics now, Metrics best) {
        double auc = now.auc() == null ? 0 : now.auc();
        double bestAuc = best.auc() == null ? 0 : best.auc();
        return auc > bestAuc || auc == bestAuc && now.loss() < best.loss();
    }

    /** Gradient hook adding {@code mu (w - w_global)} to every trainable parameter's gradient. */
    private static java.util.function.Consumer<FlatParameters> proximal(FloatBuffer global, float mu) {
        int n = global.capacity();
        FloatBuffer weights = ModelWeights.floats(n);
        FloatBuffer gradients = ModelWeights.floats(n);
        return p -> {
            p.exportParameters(weights.clear());
            p.readGradients(gradients.clear());
            for (int i = 0; i < n; i++) {
                gradients.put(i, gradients.get(i) + mu * (weights.get(i) - global.get(i)));
            }
            p.writeGradients(gradients.rewind());
        };
    }

    /** Flips and quarter turns: cheap, label-preserving for tissue. */
    static Augmentation augmentation() {
        return new Augmentation(true, true, false, 0, 0);
    }

    private BatchLoader loader(Task task, Augmentation augmentation) {
        PatchTransform transform = new PatchTransform(source.width(), source.height(), modelPlan.downsample,
                modelPlan.inputSize, augmentation, null);
        return BatchLoader.builder(source, transform).setBatchSize(task.batchSize()).optWorkers(workers)
                .optPrefetch(2).optSeed(task.seed()).build();
    }

    private static FloatBuffer copy(FloatBuffer values) {
        FloatBuffer out = ModelWeights.floats(values.capacity());
        out.put(values.duplicate().rewind()).flip();
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
