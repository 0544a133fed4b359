package io.histoscale.federation.strategy;

import io.histoscale.core.UserException;
import io.histoscale.federation.strategy.Strategy.Assignment;
import io.histoscale.federation.strategy.Strategy.GlobalState;
import io.histoscale.federation.strategy.Strategy.SiteInfo;
import io.histoscale.federation.strategy.Strategy.SiteResult;
import io.histoscale.model.ModelWeights;
import io.histoscale.train.FitRequest;
import io.histoscale.train.metrics.Predictions;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Every strategy as the pure functions it is: configured, fed fake site results, no network and no training. */
class StrategiesTest {

    static final List<SiteInfo> SITES = List.of(new SiteInfo("a", 10, 2, "a:1"), new SiteInfo("b", 30, 2, "b:1"),
            new SiteInfo("c", 60, 2, "c:1"));
    static final GlobalState START = GlobalState.initial(weights(0, 0));

    /** Two parameters and one statistic, all {@code value}; parameter 1 is {@code value + tweak}. */
    static ModelWeights weights(float value, float tweak) {
        FloatBuffer p = ModelWeights.floats(2);
        p.put(0, value).put(1, value + tweak);
        FloatBuffer s = ModelWeights.floats(1);
        s.put(0, value);
        return new ModelWeights(p, s);
    }

    static SiteResult result(String site, long samples, ModelWeights w) {
        return new SiteResult(site, samples, w, 1, 1, 0.5, null, null, "t-" + site);
    }

    @Test
    void theRegistryFindsEveryStrategyIncludingOneRegisteredOnlyByTheTests() {
        assertThat(Strategies.names()).contains("central", "ensemble", "single", "cyclical", "fedavg", "fedprox",
                "median");
        assertThatThrownBy(() -> Strategies.create("fedavgg", Map.of())).isInstanceOf(UserException.class)
                .hasMessageStartingWith("strategy 'fedavgg' is not one of [")
                .satisfies(e -> assertThat(((UserException) e).key()).contains("strategy"));
    }

    @Test
    void eachStrategyChecksItsOwnSettings() {
        assertThatThrownBy(() -> Strategies.create("fedavg", Map.of("rounds", 3, "cycles", 2)))
                .isInstanceOf(UserException.class)
                .hasMessage("cycles is not a setting of strategy fedavg (its settings: local_epochs, rounds)");
        assertThatThrownBy(() -> Strategies.create("fedprox", Map.of("mu", 0)))
                .isInstanceOf(UserException.class).hasMessageContaining("use strategy fedavg");
        assertThatThrownBy(() -> Strategies.create("cyclical", Map.of("cycles", 0)))
                .isInstanceOf(UserException.class).hasMessageStartingWith("cycles 0.0: give at least 1");
        assertThatThrownBy(() -> Strategies.create("single", Map.of("patience", "many")))
                .isInstanceOf(UserException.class).hasMessageStartingWith("patience 'many' is not a number");
        assertThat(Strategies.create("fedprox", Map.of("mu", 0.1)).name()).isEqualTo("fedprox");
    }

    @Test
    void fedAvgWeighsSitesBySamplesAndFedProxAddsItsPull() {
        Strategy fedavg = Strategies.create("fedavg", Map.of("rounds", 2, "local_epochs", 0.5));
        List<Assignment> round2 = fedavg.configure(2, START, SITES);
        assertThat(round2).extracting(Assignment::site).containsExactly("a", "b", "c");
        assertThat(round2.get(0).config()).containsEntry(FitRequest.FROM_EPOCH, 0.5)
                .containsEntry(FitRequest.TO_EPOCH, 1.0).containsEntry(FitRequest.BUDGET_EPOCHS, 1.0)
                .containsEntry(FitRequest.KEEP_BEST, false).doesNotContainKey(FitRequest.PROXIMAL_MU);
        assertThat(fedavg.configure(3, START, SITES)).isEmpty();
        GlobalState next = fedavg.aggregate(1, START, List.of(result("a", 10, weights(1, 0)),
                result("b", 30, weights(2, 0)), result("c", 60, weights(4, 0))));
        // (10 * 1 + 30 * 2 + 60 * 4) / 100
        assertThat(next.models().get(0).parameters().get(0)).isEqualTo(3.1f, within(1e-6f));
        assertThat(next.models().get(0).statistics().get(0)).isEqualTo(3.1f, within(1e-6f));
        // a round nobody answered keeps the weights
        assertThat(fedavg.aggregate(2, next, List.of()).models()).isEqualTo(next.models());
        Strategy fedprox = Strategies.create("fedprox", Map.of("mu", 0.05));
        assertThat(fedprox.configure(1, START, SITES).get(2).config()).containsEntry(FitRequest.PROXIMAL_MU, 0.05);
    }

    @Test
    void cyclicalVisitsTheSitesInTurnAndPeerToPeerHandsOn() {
        Strategy cyclical = Strategies.create("cyclical", Map.of("cycles", 2, "peer_to_peer", true));
        GlobalState state = START;
        StringBuilder order = new StringBuilder();
        for (int round = 1; round <= 6; round++) {
            List<Assignment> tasks = cyclical.configure(round, state, SITES);
            assertThat(tasks).hasSize(1);
            Assignment a = tasks.get(0);
            order.append(a.site());
            assertThat(a.config()).containsEntry(FitRequest.FROM_EPOCH, round - 1.0)
                    .containsEntry(FitRequest.BUDGET_EPOCHS, 6.0);
            assertThat(a.fromPeer()).isEqualTo(round > 1);
            assertThat(a.nextPeer()).isEqualTo(round < 6 ? SITES.get(round % 3).name() : null);
            SiteResult handed = new SiteResult(a.site(), 10, null, 1, 1, 0.4, null, a.nextPeer(), "h" + round);
            state = cyclical.aggregate(round, state, List.of(round < 6 ? handed : result(a.site(), 10,
                    weights(9, 0))));
        }
        assertThat(order.toString()).isEqualTo("abcabc");
        assertThat(cyclical.configure(7, state, SITES)).isEmpty();
        assertThat(state.models().get(0).parameters().get(0)).isEqualTo(9f);
    }

    @Test
    void singleTransferAndEnsembleKeepEachSitesBestEpoch() {
        Strategy single = Strategies.create("single", Map.of("max_epochs", 8, "patience", 3));
        assertThat(single.configure(2, START, SITES)).singleElement().satisfies(a -> {
            assertThat(a.site()).isEqualTo("b");
            assertThat(a.config()).containsEntry(FitRequest.KEEP_BEST, true).containsEntry(TaskKeys.PATIENCE, 3)
                    .containsEntry(FitRequest.TO_EPOCH, 8.0);
        });
        assertThat(single.configure(4, START, SITES)).isEmpty();
        Strategy ensemble = Strategies.create("ensemble", Map.of());
        assertThat(ensemble.configure(1, START, SITES)).hasSize(3);
        GlobalState members = ensemble.aggregate(1, START, List.of(result("a", 1, weights(1, 0)),
                result("c", 1, weights(3, 0))));
        assertThat(members.members()).containsExactly("a", "c");
        // the ensemble predicts the mean of its members' probabilities
        Predictions mean = ensemble.predict(members, w -> {
            Predictions p = new Predictions(List.of("normal", "tumour"));
            float t = w.parameters().get(0) / 4;
            p.add(0, 1, new float[] {1 - t, t});
            return p;
        });
        assertThat(mean.rows().get(0).probabilities()[1]).isEqualTo(0.5f, within(1e-6f));
    }

    @Test
    void aStrategyRegisteredOnlyInTheTestsTakesTheMedianOfTheSites() {
        Strategy median = Strategies.create("median", Map.of("rounds", 1));
        assertThat(median.configure(1, START, SITES)).hasSize(3);
        // one site sends nonsense; the median ignores it where the mean would not
        GlobalState next = median.aggregate(1, START, List.of(result("a", 1, weights(1, 0.5f)),
                result("b", 1, weights(2, 0.5f)), result("c", 1, weights(1e6f, 0))));
        assertThat(next.models().get(0).parameters().get(0)).isEqualTo(2f);
        assertThat(next.models().get(0).parameters().get(1)).isEqualTo(2.5f);
        assertThat(Strategies.factory("median").forBudget(4, Map.of())).containsEntry("rounds", 4);
    }
}
