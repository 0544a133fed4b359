package io.histoscale.train;

import java.nio.file.Path;

/** Hears how training goes, e.g. to draw a progress bar; every method does nothing by default. */
public interface TrainListener {

    TrainListener NONE = new TrainListener() {
    };

    /** A run (or a cross-validation fold: {@code fold} from 0, else null) starts or resumes in {@code dir}. */
    default void runStarted(RunInfo run, Path dir, Integer fold) {
    }

    /** An epoch (from 1) of {@code steps} steps starts, at {@code firstStep} when resumed within it. */
    default void epochStarted(int epoch, int epochs, int steps, int firstStep) {
    }

    /** A training step finished with this batch loss. */
    default void stepFinished(float loss) {
    }

    /** Validation of {@code patches} patches starts. */
    default void validationStarted(long patches) {
    }

    /** An epoch finished; its metrics are in metrics.jsonl. */
    default void epochFinished(EpochMetrics metrics) {
    }

    /**
     * Asked after each epoch but the last (after {@link #epochFinished}): whether to train on. A model search's
     * scheduler answers false to stop a poor trial; the run then ends as if validation had stopped improving.
     */
    default boolean keepGoing(EpochMetrics metrics) {
        return true;
    }
}
