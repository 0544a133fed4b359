package io.histoscale.train;

/**
 * The learning rate at each training step: a linear warm-up from near 0 to the peak, then cosine annealing to 0,
 * step decay, or the constant peak. A pure function of the step, so a resumed run continues on the same curve.
 */
public final class LearningRateSchedule {

    private final Schedule kind;
    private final double peak;
    private final long warmupSteps;
    private final long totalSteps;
    private final long decaySteps;
    private final double gamma;

    /**
     * @param kind        the shape after the warm-up
     * @param peak        the rate after warm-up
     * @param warmupSteps steps of linear warm-up
     * @param totalSteps  steps of the whole run (cosine reaches 0 there)
     * @param decaySteps  {@code step}: steps between decays
     * @param gamma       {@code step}: factor of each decay
     */
    public LearningRateSchedule(Schedule kind, double peak, long warmupSteps, long totalSteps, long decaySteps,
                                double gamma) {
        this.kind = kind;
        this.peak = peak;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
        this.decaySteps = Math.max(1, decaySteps);
        this.gamma = gamma;
    }

    /** The schedule a configuration gives for {@code stepsPerEpoch} steps in each epoch. */
    public static LearningRateSchedule of(TrainConfig config, int stepsPerEpoch) {
        return of(config, stepsPerEpoch, 1);
    }

    /**
     * The schedule of data-parallel training over {@code ranks} processes, each with the configured batch: the
     * linear scaling rule (Goyal et al. 2017) multiplies the peak rate by {@code ranks}, the global batch being that
     * many times the configured one; the warm-up ramps up to it.
     */
    public static LearningRateSchedule of(TrainConfig config, int stepsPerEpoch, int ranks) {
        return of(config, stepsPerEpoch, ranks, config.epochs());
    }

    /**
     * The schedule of a training budget of {@code budgetEpochs} epochs (cosine reaches 0 at its end), which need not
     * be the configuration's: a federated strategy's budget spans all its rounds or hops.
     */
    public static LearningRateSchedule of(TrainConfig config, int stepsPerEpoch, int ranks, double budgetEpochs) {
        return new LearningRateSchedule(config.schedule(), config.learningRate() * ranks,
                Math.round(config.warmupEpochs() * stepsPerEpoch), Math.round(budgetEpochs * stepsPerEpoch),
                (long) config.stepEpochs() * stepsPerEpoch, config.gamma());
    }

    /** The rate of step {@code step} (from 0). */
    public double at(long step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        return switch (kind) {
            case COSINE -> {
                double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
                yield peak * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
            }
            case STEP -> peak * Math.pow(gamma, (double) (step / decaySteps));
            case CONSTANT -> peak;
        };
    }
}
