package io.histoscale.federation.strategy;

import io.histoscale.core.Settings;
import io.histoscale.model.ModelWeights;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A strategy that exists only in the tests, to show that a strategy is one file plus one registration line
 * ({@code src/test/resources/META-INF/services/io.histoscale.federation.strategy.StrategyFactory}): every round all
 * sites train one epoch, and the new global weights are the coordinate-wise median of theirs — robust to one site
 * sending nonsense.
 */
final class MedianOfSites implements Strategy {

    private final int rounds;

    MedianOfSites(int rounds) {
        this.rounds = rounds;
    }

    @Override
    public String name() {
        return "median";
    }

    @Override
    public List<Assignment> configure(int round, GlobalState state, List<SiteInfo> sites) {
        if (round > rounds) {
            return List.of();
        }
        return sites.stream().map(s -> Assignment.train(s.name(), TaskKeys.stretch(round - 1, round, rounds)))
                .toList();
    }

    @Override
    public GlobalState aggregate(int round, GlobalState state, List<SiteResult> results) {
        if (results.isEmpty()) {
            return state.unchanged(round);
        }
        List<ModelWeights> w = results.stream().map(SiteResult::weights).toList();
        return state.next(round, new ModelWeights(median(w.stream().map(ModelWeights::parameters).toList()),
                median(w.stream().map(ModelWeights::statistics).toList())));
    }

    private static FloatBuffer median(List<FloatBuffer> buffers) {
        int n = buffers.get(0).capacity();
        FloatBuffer out = ModelWeights.floats(n);
        float[] column = new float[buffers.size()];
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < column.length; s++) {
                column[s] = buffers.get(s).get(i);
            }
            Arrays.sort(column);
            int m = column.length / 2;
            out.put(i, column.length % 2 == 1 ? column[m] : (column[m - 1] + column[m]) / 2);
        }
        return out;
    }

    /** {@code strategy: median}; setting {@code rounds} (default 2). */
    public static final class Factory implements StrategyFactory {
        @Override
        public String name() {
            return "median";
        }

        @Override
        public String description() {
            return "coordinate-wise median of the sites' weights (test only)";
        }

        @Override
        public Strategy create(Settings s) {
            int rounds = s.integer("rounds", 2);
            Settings.check("rounds", rounds, rounds >= 1, "give at least 1");
            return new MedianOfSites(rounds);
        }

        @Override
        public Map<String, Object> forBudget(double epochs, Map<String, Object> options) {
            return Map.of("rounds", (int) Math.round(epochs));
        }
    }
}
