package io.histoscale.search.sampler;

import io.histoscale.core.UserException;
import io.histoscale.search.TrialState;
import io.histoscale.search.space.SearchSpace;
import io.histoscale.search.space.SpaceFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SamplersTest {

    static final SearchSpace SPACE = SpaceFile.parse("""
            optimizer: {type: categorical, choices: [adam, sgd]}
            learning_rate: {type: float, low: 1.0e-5, high: 1.0e-1, log: true}
            momentum: {type: float, low: 0.8, high: 0.99, when: {optimizer: [sgd]}}
            nesterov: {type: categorical, choices: [true, false], when: {optimizer: sgd}}
            batch: {type: categorical, choices: [16, 32, 64]}
            accumulate: {type: categorical, choices: [1, 2.5, none], when: {batch: [32, 64]}}
            width: {type: int, low: 8, high: 64, step: 8}
            depth: {type: int, low: 1, high: 100, log: true}
            dropout: {type: float, low: 0.0, high: 0.5, step: 0.1}
            epochs: 9
            """);

    /** A made-up loss of the conditional space's parameters. */
    static double loss(Map<String, Object> p) {
        double lr = ((Number) p.get("learning_rate")).doubleValue();
        double l = Math.pow(Math.log10(lr) + 3, 2) + Math.abs(((Number) p.get("width")).intValue() - 40) / 8.0;
        if ("sgd".equals(p.get("optimizer"))) l += Math.abs(((Number) p.get("momentum")).doubleValue() - 0.9) * 10;
        return l + ((Number) p.get("dropout")).doubleValue();
    }

    /** A study of 60 trials with some pruned, failed and still running ones. */
    static List<Map<String, Object>> study(Sampler sampler, long seed) {
        List<Observation> history = new ArrayList<>();
        List<Map<String, Object>> asked = new ArrayList<>();
        for (int t = 0; t < 60; t++) {
            Map<String, Object> p = sampler.ask(SPACE, history, new SplittableRandom(seed * 1000 + t));
            asked.add(p);
            assertThat(SPACE.isValid(p)).as("trial %d: %s", t, p).isTrue();
            TrialState state = t % 11 == 3 ? TrialState.FAILED : t % 7 == 5 ? TrialState.PRUNED
                    : t % 13 == 12 ? TrialState.RUNNING : TrialState.COMPLETE;
            Double loss = state == TrialState.COMPLETE || state == TrialState.PRUNED ? loss(p) : null;
            history.add(new Observation(t, p, state, loss, state == TrialState.PRUNED ? 3 : 9));
        }
        return asked;
    }

    @Test
    void everySamplerIsRegistered() {
        assertThat(Samplers.names()).containsExactly("random", "tpe", "evolution", "rl");
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "tpe", "evolution", "rl"})
    void everyAskIsValidOnAConditionalSpace(String name) {
        List<Map<String, Object>> asked = study(Samplers.create(name, Map.of()), 1);
        assertThat(asked).anyMatch(p -> p.containsKey("momentum")).anyMatch(p -> !p.containsKey("momentum"));
        assertThat(asked).anyMatch(p -> p.containsKey("accumulate"));
        assertThat(asked).allMatch(p -> p.get("epochs").equals(9));
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "tpe", "evolution", "rl"})
    void sameHistoryAndSeedGiveTheSameParameters(String name) {
        assertThat(study(Samplers.create(name, Map.of()), 7)).isEqualTo(study(Samplers.create(name, Map.of()), 7));
        assertThat(study(Samplers.create(name, Map.of()), 7)).isNotEqualTo(study(Samplers.create(name, Map.of()), 8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tpe", "evolution", "rl"})
    void askingTwiceWithTheSameHistoryAndGeneratorSeedAgrees(String name) {
        Sampler sampler = Samplers.create(name, Map.of());
        List<Observation> history = new ArrayList<>();
        for (int t = 0; t < 40; t++) {
            Map<String, Object> p = new RandomSampler().ask(SPACE, history, new SplittableRandom(t));
            history.add(new Observation(t, p, TrialState.COMPLETE, loss(p), 9));
        }
        assertThat(sampler.ask(SPACE, history, new SplittableRandom(99)))
                .isEqualTo(Samplers.create(name, Map.of()).ask(SPACE, List.copyOf(history), new SplittableRandom(99)));
    }

    @Test
    void settingsAreCheckedAndUnknownOnesRefused() {
        assertThat(Samplers.create("tpe", Map.of("multivariate", false, "candidates", 8))).isInstanceOf(TpeSampler.class);
        assertThatThrownBy(() -> Samplers.create("tpe", Map.of("gama", 0.2)))
                .isInstanceOf(UserException.class).hasMessageContaining("gama");
        assertThatThrownBy(() -> Samplers.create("evolution", Map.of("sample", 30)))
                .isInstanceOf(UserException.class).hasMessageContaining("sample");
        assertThatThrownBy(() -> Samplers.create("rl", Map.of("bins", 1)))
                .isInstanceOf(UserException.class).hasMessageContaining("bins");
        assertThatThrownBy(() -> Samplers.create("grid", Map.of()))
                .isInstanceOf(UserException.class).hasMessageContaining("random");
    }

    @Test
    void randomCoversEveryGridValueAndStaysOnTheGrid() {
        RandomSampler random = new RandomSampler();
        SplittableRandom r = new SplittableRandom(3);
        java.util.Set<Object> widths = new java.util.TreeSet<>();
        for (int i = 0; i < 400; i++) {
            Map<String, Object> p = random.ask(SPACE, List.of(), r);
            widths.add(p.get("width"));
            double d = ((Number) p.get("dropout")).doubleValue();
            assertThat(Math.abs(d * 10 - Math.rint(d * 10))).isLessThan(1e-9);
        }
        assertThat(widths).containsExactly(8, 16, 24, 32, 40, 48, 56, 64);
    }
}
