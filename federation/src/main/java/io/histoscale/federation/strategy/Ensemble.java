package io.histoscale.federation.strategy;

import io.histoscale.core.Settings;
import io.histoscale.model.ModelWeights;
import io.histoscale.train.metrics.Predictions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An ensemble of per-site models: every site trains its own model from the same start until its validation stops
 * improving; the ensemble's prediction is the average of the members' class probabilities.
 */
final class Ensemble implements Strategy {

    private final int maxEpochs;
    private final int patience;

    Ensemble(int maxEpochs, int patience) {
        this.maxEpochs = maxEpochs;
        this.patience = patience;
    }

    @Override
    public String name() {
        return "ensemble";
    }

    @Override
    public List<Assignment> configure(int round, GlobalState state, List<SiteInfo> sites) {
        if (round > 1) {
            return List.of();
        }
        return sites.stream().map(s -> Assignment.train(s.name(), TaskKeys.untilNoBetter(maxEpochs, patience)))
                .toList();
    }

    @Override
    public GlobalState aggregate(int round, GlobalState state, List<SiteResult> results) {
        if (results.isEmpty()) {
            return state.unchanged(round);
        }
        return new GlobalState(round, results.stream().map(SiteResult::weights).toList(),
                results.stream().map(SiteResult::site).toList(), null, null);
    }

    @Override
    public Predictions predict(GlobalState state, Function<ModelWeights, Predictions> score) {
        List<Predictions> members = state.models().stream().map(score).toList();
        Predictions first = members.get(0);
        Predictions mean = new Predictions(first.classes());
        List<List<Predictions.Row>> rows = new ArrayList<>();
        members.forEach(p -> rows.add(p.rows()));
        for (int i = 0; i < first.size(); i++) {
            Predictions.Row row = rows.get(0).get(i);
            float[] sum = new float[row.probabilities().length];
            for (List<Predictions.Row> member : rows) {
                float[] p = member.get(i).probabilities();
                for (int c = 0; c < sum.length; c++) {
                    sum[c] += p[c] / members.size();
                }
            }
            mean.add(row.index(), row.label(), sum);
        }
        return mean;
    }

    /** {@code strategy: ensemble}; settings {@code max_epochs} (default 10), {@code patience} (default 2). */
    public static final class Factory implements StrategyFactory {
        @Override
        public String name() {
            return "ensemble";
        }

        @Override
        public String description() {
            return "an ensemble of per-site models averaging their class probabilities";
        }

        @Override
        public Strategy create(Settings s) {
            int[] e = SingleTransfer.epochsAndPatience(s);
            return new Ensemble(e[0], e[1]);
        }

        @Override
        public Map<String, Object> forBudget(double epochs, Map<String, Object> options) {
            return Map.of("max_epochs", (int) Math.round(epochs), "patience", options.getOrDefault("patience", 2));
        }
    }
}
