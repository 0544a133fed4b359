package io.histoscale.search.worker;

import io.histoscale.search.TrialState;

import java.nio.file.Path;
import java.util.Map;

/** Trains one trial of a study and says how it ended; {@link TrainingTrial} trains a HistoScale run. */
public interface TrialRunner {

    /** What the runner knows of the trial it trains, and how it reports. */
    interface Trial {
        int number();

        Map<String, Object> params();

        /** 1 the first time the trial is handed out; more when it is continued after its worker died. */
        int attempt();

        /** The trial's own folder (its run folder). */
        Path dir();

        /** The registry run that records the trial when one was made on an earlier attempt; else null. */
        String runId();

        /** Records the run that records the trial. */
        void attachRun(String runId);

        /** Reports the metric after {@code epoch}; false when the trial should stop (pruned, or taken away). */
        boolean report(int epoch, double value);
    }

    /**
     * How a trial ended.
     *
     * @param value the metric: the best epoch's for COMPLETE, the last reported for PRUNED; null for FAILED
     */
    record Outcome(TrialState state, Double value, int epochs, String message) {
    }

    /** Trains {@code trial}; a thrown exception ends it as FAILED with its message. */
    Outcome run(Trial trial);
}
