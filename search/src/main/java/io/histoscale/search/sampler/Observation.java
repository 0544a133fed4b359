package io.histoscale.search.sampler;

import io.histoscale.search.TrialState;

import java.util.Map;

/**
 * A trial as a sampler sees it.
 *
 * @param number  the trial's number in its study, from 0
 * @param params  the values the trial was given
 * @param state   where it is
 * @param loss    its value oriented so that lower is better (the metric itself when minimised, its negative when
 *                maximised): the final value of a COMPLETE trial, the last reported value of a PRUNED one; null for a
 *                trial still WAITING or RUNNING, or FAILED
 * @param epochs  epochs it trained (for a PRUNED trial, where it was stopped)
 */
public record Observation(int number, Map<String, Object> params, TrialState state, Double loss, int epochs) {

    public Observation {
        params = Map.copyOf(params);
    }

    /** Whether the trial has a value to learn from. */
    public boolean hasLoss() {
        return loss != null && (state == TrialState.COMPLETE || state == TrialState.PRUNED);
    }
}
