package io.histoscale.search.sampler;

import io.histoscale.search.TrialState;

import java.util.Comparator;
import java.util.List;

/**
 * The order samplers rank finished trials by, best first: COMPLETE trials by loss, then PRUNED ones, which count as
 * worse than every complete trial, those that got further first, then by loss; ties by trial number.
 */
final class Ranking {

    static final Comparator<Observation> BEST_FIRST = Comparator
            .comparingInt((Observation o) -> o.state() == TrialState.COMPLETE ? 0 : 1)
            .thenComparingInt(o -> o.state() == TrialState.COMPLETE ? 0 : -o.epochs())
            .thenComparingDouble(o -> Double.isNaN(o.loss()) ? Double.POSITIVE_INFINITY : o.loss())
            .thenComparingInt(Observation::number);

    private Ranking() {
    }

    /** The trials with a loss, best first. */
    static List<Observation> ranked(List<Observation> history) {
        return history.stream().filter(Observation::hasLoss).sorted(BEST_FIRST).toList();
    }
}
