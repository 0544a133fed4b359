package io.histoscale.search;

import io.histoscale.search.study.Study;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a study has done: trials by state, epochs spent, the leaderboard of finished trials and the best one. A
 * snapshot: {@link #of} reads the study once.
 */
public record StudySummary(SearchConfig config, List<Study.TrialView> trials, Map<TrialState, Integer> byState,
                           int epochs) {

    public static StudySummary of(Study study) {
        List<Study.TrialView> trials = study.trials();
        Map<TrialState, Integer> byState = new EnumMap<>(TrialState.class);
        int epochs = 0;
        for (Study.TrialView t : trials) {
            byState.merge(t.state(), 1, Integer::sum);
            epochs += t.epochs();
        }
        return new StudySummary(study.config(), trials, byState, epochs);
    }

    /** Trials that ended (COMPLETE, PRUNED or FAILED). */
    public int finished() {
        return count(TrialState.COMPLETE) + count(TrialState.PRUNED) + count(TrialState.FAILED);
    }

    public int count(TrialState state) {
        return byState.getOrDefault(state, 0);
    }

    /** Whether every trial the study asks for has ended. */
    public boolean done() {
        boolean allEnded = finished() == trials.size() && count(TrialState.WAITING) == 0;
        return finished() >= config.trials()
                || config.epochBudget() > 0 && epochs >= config.epochBudget() && allEnded;
    }

    /** Trials with a value, best first (COMPLETE before PRUNED at equal value). */
    public List<Study.TrialView> leaderboard() {
        List<Study.TrialView> ranked = new ArrayList<>();
        for (Study.TrialView t : trials) {
            if (t.value() != null && (t.state() == TrialState.COMPLETE || t.state() == TrialState.PRUNED)) {
                ranked.add(t);
            }
        }
        ranked.sort(Comparator.comparing((Study.TrialView t) -> t.state() != TrialState.COMPLETE)
                .thenComparingDouble(t -> config.loss(t.value())));
        return ranked;
    }

    /** The best COMPLETE trial, or null. */
    public Study.TrialView best() {
        return leaderboard().stream().filter(t -> t.state() == TrialState.COMPLETE).findFirst().orElse(null);
    }

    /** {@code study s: 12/60 trials ended (9 complete, 2 pruned, 1 failed), 2 running; best val_auc 0.9312 (#7)}. */
    public String progressLine() {
        Study.TrialView best = best();
        return String.format(Locale.ROOT, "study %s: %d/%d trials ended (%d complete, %d pruned, %d failed), %d running,"
                        + " %s epochs%s", config.study(), finished(), config.trials(), count(TrialState.COMPLETE),
                count(TrialState.PRUNED), count(TrialState.FAILED), count(TrialState.RUNNING),
                config.epochBudget() > 0 ? epochs + "/" + config.epochBudget() : Integer.toString(epochs),
                best == null ? "" : String.format(Locale.ROOT, "; best %s %.4f (trial %d)", config.metric(),
                        best.value(), best.number()));
    }
}
