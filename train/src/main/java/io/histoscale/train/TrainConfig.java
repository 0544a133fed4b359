package io.histoscale.train;

import io.histoscale.core.ConfigMaps;
import io.histoscale.core.UserException;
import io.histoscale.dataset.GroupBy;
import io.histoscale.model.Architecture;
import io.histoscale.model.EngineSettings;
import io.histoscale.train.augment.Augmentation;

import java.util.Map;

/**
 * Everything that decides what a training run computes, recorded in the run's {@code run.json}: the one source of
 * training settings and their defaults for every front end (the command line, a federated plan, a web form, a search
 * sampler) and every kind of training (a run, a cross-validation, data-parallel ranks, a federated site's task).
 *
 * <p>Build one with {@link #builder()} (Java), or from a map of snake_case configuration keys with
 * {@link #fromMap} (YAML, forms, tasks); {@link #toMap()} gives the map. A {@code TrainConfig} is always valid: the
 * constructor checks every value and throws a {@link UserException} {@linkplain UserException#forKey keyed} by the
 * configuration key ({@code learning_rate -1.0: give a positive rate}), which each front end words for its user.
 *
 * @param model              architecture name ({@link Architecture}); key {@code model}
 * @param inputSize          side of the network input; 0 for the whole (shrunk) patch
 * @param downsample         factor patches are shrunk by before cropping (1 for none)
 * @param epochs             epochs at most: the training budget the learning-rate schedule spans
 * @param batchSize          patches per training step
 * @param stepsPerEpoch      steps per epoch; 0 for one pass over the training patches
 * @param optimizer          the optimiser
 * @param learningRate       peak learning rate
 * @param momentum           SGD's momentum (Adam ignores it)
 * @param weightDecay        L2 weight decay
 * @param schedule           the learning rate's shape after the warm-up
 * @param warmupEpochs       epochs of linear warm-up from 0 to the peak rate
 * @param stepEpochs         {@code step} schedule: epochs between decays
 * @param gamma              {@code step} schedule: factor of each decay
 * @param patience           epochs without a better validation AUC before stopping; 0 never stops early (nor do
 *                           cross-validation folds, which keep their last epoch)
 * @param balance            draw every class equally often in training
 * @param groupBy            what no two splits may share: patients, slides or centres
 * @param valFraction        share of the groups held out for validation (0 for none)
 * @param valPatches         validation patches at most (a fixed random subset); 0 for all
 * @param cvFolds            group-wise cross-validation folds; 0 for a single train/validation split
 * @param positiveClass      class whose probability AUC, sensitivity and specificity refer to; null for the rule of
 *                           {@link io.histoscale.dataset.PositiveClass}
 * @param augmentation       random changes to training patches
 * @param stainNormalisation how stains are normalised
 * @param stainReference     image the Macenko reference stains are taken from; null to fit them to training patches
 * @param seed               seed of weights, shuffling, augmentation and splits
 * @param device             {@code cpu}, {@code gpu} or {@code gpu:N}
 * @param threads            PyTorch threads
 * @param workers            data loader threads
 * @param prefetch           batches the loader prepares ahead
 * @param checkpointMinutes  minutes between checkpoints within an epoch (one is also written after every epoch)
 */
public record TrainConfig(String model, int inputSize, int downsample, int epochs, int batchSize, int stepsPerEpoch,
                          Optimizer optimizer, double learningRate, double momentum, double weightDecay,
                          Schedule schedule, double warmupEpochs, int stepEpochs, double gamma, int patience,
                          boolean balance, GroupBy groupBy, double valFraction, int valPatches, int cvFolds,
                          String positiveClass, Augmentation augmentation, StainNormalisation stainNormalisation,
                          String stainReference, int seed, String device, int threads, int workers, int prefetch,
                          double checkpointMinutes) {

    /** The defaults: what every front end starts from. */
    public static final TrainConfig DEFAULTS = builder().build();

    /** @throws UserException keyed by the first value out of range */
    public TrainConfig {
        Architecture.fromName(model);
        require(epochs >= 1, "epochs", epochs + ": give at least 1");
        require(batchSize >= 2, "batch_size", batchSize + ": give at least 2 (batch normalisation needs two)");
        require(stepsPerEpoch >= 0, "steps_per_epoch", stepsPerEpoch + ": give 0 (a full pass) or more");
        require(inputSize >= 0, "input_size", inputSize + ": give a positive side, or 0 for the whole patch");
        require(downsample >= 1, "downsample", downsample + ": give 1 (none) or more");
        require(optimizer != null, "optimizer", "missing: give one of " + Optimizer.ids());
        require(learningRate > 0 && Double.isFinite(learningRate), "learning_rate",
                learningRate + ": give a positive rate");
        require(momentum >= 0 && momentum < 1, "momentum", momentum + ": give a value in [0, 1)");
        require(weightDecay >= 0, "weight_decay", weightDecay + ": give 0 or more");
        require(schedule != null, "schedule", "missing: give one of " + Schedule.ids());
        require(warmupEpochs >= 0 && warmupEpochs <= epochs, "warmup_epochs",
                warmupEpochs + ": give 0 up to epochs (" + epochs + ")");
        require(stepEpochs >= 1, "step_epochs", stepEpochs + ": give at least 1");
        require(gamma > 0 && gamma <= 1, "gamma", gamma + ": give a factor in (0, 1]");
        require(patience >= 0, "patience", patience + ": give 0 (never stop early) or more");
        require(groupBy != null, "group_by", "missing: give patient, slide or centre");
        require(valFraction >= 0 && valFraction < 1, "val_fraction", valFraction + ": give a share in [0, 1)");
        require(valPatches >= 0, "val_patches", valPatches + ": give 0 (all) or more");
        require(cvFolds == 0 || cvFolds >= 2, "cv_folds",
                cvFolds + ": give 0 (no cross-validation) or 2 and more");
        require(augmentation != null, "augmentation", "missing");
        require(stainNormalisation != null, "stain_normalisation",
                "missing: give one of " + StainNormalisation.ids());
        require(stainReference == null || stainNormalisation == StainNormalisation.MACENKO, "stain_reference",
                "needs stain_normalisation macenko");
        require(threads >= 1, "threads", threads + ": give at least 1");
        require(workers >= 1, "workers", workers + ": give at least 1");
        require(prefetch >= 1, "prefetch", prefetch + ": give at least 1");
        require(checkpointMinutes > 0, "checkpoint_minutes", checkpointMinutes + ": give a positive time");
        require(device != null && !device.isBlank(), "device", "missing: give cpu, gpu or gpu:N");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.inputSize = inputSize;
        b.downsample = downsample;
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.stepsPerEpoch = stepsPerEpoch;
        b.optimizer = optimizer;
        b.learningRate = learningRate;
        b.momentum = momentum;
        b.weightDecay = weightDecay;
        b.schedule = schedule;
        b.warmupEpochs = warmupEpochs;
        b.stepEpochs = stepEpochs;
        b.gamma = gamma;
        b.patience = patience;
        b.balance = balance;
        b.groupBy = groupBy;
        b.valFraction = valFraction;
        b.valPatches = valPatches;
        b.cvFolds = cvFolds;
        b.positiveClass = positiveClass;
        b.augmentation = augmentation;
        b.stainNormalisation = stainNormalisation;
        b.stainReference = stainReference;
        b.seed = seed;
        b.device = device;
        b.threads = threads;
        b.workers = workers;
        b.prefetch = prefetch;
        b.checkpointMinutes = checkpointMinutes;
        return b;
    }

    /** The settings as snake_case configuration keys ({@code learning_rate}, {@code batch_size}, ...). */
    public Map<String, Object> toMap() {
        return ConfigMaps.toMap(this);
    }

    /** The defaults with the given keys replaced ({@link #merge}). */
    public static TrainConfig fromMap(Map<String, ?> settings) {
        return DEFAULTS.merge(settings);
    }

    /**
     * This configuration with the given snake_case keys replaced.
     *
     * @throws UserException keyed by an unknown key, a value of the wrong type or out of range
     */
    public TrainConfig merge(Map<String, ?> settings) {
        return ConfigMaps.merge(this, settings, TrainConfig.class, "training");
    }

    private static void require(boolean ok, String key, String detail) {
        if (!ok) {
            throw UserException.forKey(key, detail);
        }
    }

    /** Builds a {@link TrainConfig}; every value has a default. */
    public static final class Builder {
        private String model = Architecture.RESNET18.cliName();
        private int inputSize;
        private int downsample = 1;
        private int epochs = 10;
        private int batchSize = 32;
        private int stepsPerEpoch;
        private Optimizer optimizer = Optimizer.ADAM;
        private double learningRate = 1e-3;
        private double momentum = 0.9;
        private double weightDecay = 1e-4;
        private Schedule schedule = Schedule.COSINE;
        private double warmupEpochs = 1;
        private int stepEpochs = 10;
        private double gamma = 0.1;
        private int patience = 5;
        private boolean balance;
        private GroupBy groupBy = GroupBy.PATIENT;
        private double valFraction = 0.2;
        private int valPatches;
        private int cvFolds;
        private String positiveClass;
        private Augmentation augmentation = Augmentation.standard();
        private StainNormalisation stainNormalisation = StainNormalisation.NONE;
        private String stainReference;
        private int seed = EngineSettings.DEFAULT_SEED;
        private String device = "cpu";
        private int threads = Runtime.getRuntime().availableProcessors();
        private int workers = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        private int prefetch = 4;
        private double checkpointMinutes = 10;

        private Builder() {
        }

        /** Architecture name (default resnet18). */
        public Builder setModel(String model) {
            this.model = model;
            return this;
        }

        /** Side of the network input (default: the whole shrunk patch). */
        public Builder optInputSize(int inputSize) {
            this.inputSize = inputSize;
            return this;
        }

        public Builder optDownsample(int downsample) {
            this.downsample = downsample;
            return this;
        }

        public Builder optEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Steps per epoch (default 0: one pass over the training patches). */
        public Builder optStepsPerEpoch(int stepsPerEpoch) {
            this.stepsPerEpoch = stepsPerEpoch;
            return this;
        }

        /** Default {@link Optimizer#ADAM}. */
        public Builder optOptimizer(Optimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        public Builder optLearningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder optMomentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        public Builder optWeightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /** Default {@link Schedule#COSINE}. */
        public Builder optSchedule(Schedule schedule) {
            this.schedule = schedule;
            return this;
        }

        public Builder optWarmupEpochs(double warmupEpochs) {
            this.warmupEpochs = warmupEpochs;
            return this;
        }

        /** {@code step} schedule: decay every {@code stepEpochs} epochs by {@code gamma}. */
        public Builder optStep(int stepEpochs, double gamma) {
            this.stepEpochs = stepEpochs;
            this.gamma = gamma;
            return this;
        }

        /** Epochs without a better validation AUC before stopping (default 5; 0 never stops early). */
        public Builder optPatience(int patience) {
            this.patience = patience;
            return this;
        }

        public Builder optBalance(boolean balance) {
            this.balance = balance;
            return this;
        }

        public Builder optGroupBy(GroupBy groupBy) {
            this.groupBy = groupBy;
            return this;
        }

        public Builder optValFraction(double valFraction) {
            this.valFraction = valFraction;
            return this;
        }

        public Builder optValPatches(int valPatches) {
            this.valPatches = valPatches;
            return this;
        }

        public Builder optCvFolds(int cvFolds) {
            this.cvFolds = cvFolds;
            return this;
        }

        public Builder optPositiveClass(String positiveClass) {
            this.positiveClass = positiveClass;
            return this;
        }

        public Builder optAugmentation(Augmentation augmentation) {
            this.augmentation = augmentation;
            return this;
        }

        /** Default {@link StainNormalisation#NONE}; a reference image for Macenko, or null for the training set. */
        public Builder optStainNormalisation(StainNormalisation stainNormalisation, String stainReference) {
            this.stainNormalisation = stainNormalisation;
            this.stainReference = stainReference;
            return this;
        }

        public Builder optSeed(int seed) {
            this.seed = seed;
            return this;
        }

        public Builder optDevice(String device) {
            this.device = device;
            return this;
        }

        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder optWorkers(int workers) {
            this.workers = workers;
            return this;
        }

        public Builder optPrefetch(int prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        public Builder optCheckpointMinutes(double checkpointMinutes) {
            this.checkpointMinutes = checkpointMinutes;
            return this;
        }

        /** @throws UserException keyed by the first value out of range */
        public TrainConfig build() {
            return new TrainConfig(model, inputSize, downsample, epochs, batchSize, stepsPerEpoch, optimizer,
                    learningRate, momentum, weightDecay, schedule, warmupEpochs, stepEpochs, gamma, patience, balance,
                    groupBy, valFraction, valPatches, cvFolds, positiveClass, augmentation, stainNormalisation,
                    stainReference, seed, device, threads, workers, prefetch, checkpointMinutes);
        }
    }
}
