package io.histoscale.train;

import io.histoscale.core.Settings;
import io.histoscale.core.UserException;
import io.histoscale.dataset.PatchSource;
import io.histoscale.model.ModelWeights;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A stretch of training from given weights on given patches, with nothing written to disk: what a federated site does
 * for each task ({@link Training#fit}). It trains through the same loop, with the same defaults, as a run.
 *
 * <p>The stretch is epochs {@code from_epoch..to_epoch} of a training budget of {@code budget_epochs} epochs, over
 * which the learning-rate schedule runs: a federated "central" task of the whole budget equals
 * {@code histoscale train} on the same data, seed and settings; a FedAvg round or a cyclical hop is its share.
 *
 * @param config       the training settings (of which {@code epochs} is not used: the budget is)
 * @param source       the patches
 * @param train        labelled training patches, ascending
 * @param validation   validation patches, ascending; may be empty
 * @param start        the weights to start from
 * @param fromEpoch    where the stretch starts in the budget
 * @param toEpoch      where it ends; may be fractional
 * @param budgetEpochs epochs the schedule spans
 * @param keepBest     return the best validation epoch's weights (stopping after {@code config.patience()} epochs
 *                     without a better one, when > 0), else the last weights
 * @param proximalMu   FedProx's proximal weight towards {@code start}; 0 for none
 * @param listener     hears how training goes
 */
public record FitRequest(TrainConfig config, PatchSource source, long[] train, long[] validation, ModelWeights start,
                         double fromEpoch, double toEpoch, double budgetEpochs, boolean keepBest, double proximalMu,
                         TrainListener listener) {

    /** Configuration keys of a fit beside the training settings. */
    public static final String FROM_EPOCH = "from_epoch";
    public static final String TO_EPOCH = "to_epoch";
    public static final String BUDGET_EPOCHS = "budget_epochs";
    public static final String KEEP_BEST = "keep_best";
    public static final String PROXIMAL_MU = "proximal_mu";

    public FitRequest {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(start, "start");
        if (train.length == 0) {
            throw new UserException("no labelled training patches to fit on");
        }
        Settings.check(FROM_EPOCH, fromEpoch, fromEpoch >= 0, "give 0 or more");
        Settings.check(TO_EPOCH, toEpoch, toEpoch > fromEpoch, "give more than from_epoch (" + fromEpoch + ")");
        Settings.check(BUDGET_EPOCHS, budgetEpochs, budgetEpochs + 1e-9 >= toEpoch,
                "give at least to_epoch (" + toEpoch + ")");
        Settings.check(PROXIMAL_MU, proximalMu, proximalMu >= 0 && Double.isFinite(proximalMu), "give 0 or more");
    }

    /**
     * A fit of the patches from {@code start} configured by one map of snake_case keys: the training settings
     * ({@link TrainConfig#merge} onto {@code base}) and {@value #FROM_EPOCH}, {@value #TO_EPOCH},
     * {@value #BUDGET_EPOCHS}, {@value #KEEP_BEST}, {@value #PROXIMAL_MU}.
     *
     * @param base the settings the map's training keys replace (e.g. a site's own device and threads)
     * @throws UserException keyed by an unknown key or a bad value
     */
    public static FitRequest fromMap(Map<String, ?> settings, TrainConfig base, PatchSource source, long[] train,
                                     long[] validation, ModelWeights start, TrainListener listener) {
        Map<String, Object> training = new LinkedHashMap<>(settings);
        Map<String, Object> fit = new LinkedHashMap<>();
        for (String key : new String[] {FROM_EPOCH, TO_EPOCH, BUDGET_EPOCHS, KEEP_BEST, PROXIMAL_MU}) {
            if (training.containsKey(key)) {
                fit.put(key, training.remove(key));
            }
        }
        TrainConfig config = base.merge(training);
        Settings s = new Settings("a fit", fit);
        double to = s.number(TO_EPOCH, config.epochs());
        FitRequest request = new FitRequest(config, source, train, validation, start, s.number(FROM_EPOCH, 0), to,
                s.number(BUDGET_EPOCHS, Math.max(to, config.epochs())), s.flag(KEEP_BEST, false),
                s.number(PROXIMAL_MU, 0), listener);
        s.requireAllRead();
        return request;
    }
}
