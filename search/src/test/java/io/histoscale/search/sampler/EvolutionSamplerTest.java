package io.histoscale.search.sampler;

import io.histoscale.search.TrialState;
import io.histoscale.search.space.SearchSpace;
import io.histoscale.search.space.SpaceFile;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class EvolutionSamplerTest {

    static final SearchSpace FLAT = SpaceFile.parse("""
            optimizer: {type: categorical, choices: [adam, sgd, rmsprop]}
            learning_rate: {type: float, low: 1.0e-5, high: 1.0e-1, log: true}
            width: {type: int, low: 8, high: 64, step: 8}
            dropout: {type: float, low: 0.0, high: 0.5, step: 0.1}
            flag: {type: categorical, choices: [true, false]}
            """);

    @Test
    void mutatesExactlyOneGeneOfTheTournamentWinner() {
        List<Observation> history = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(5);
        for (int t = 0; t < 30; t++) {
            Map<String, Object> p = new RandomSampler().ask(FLAT, history, r);
            history.add(new Observation(t, p, TrialState.COMPLETE, r.nextDouble(), 9));
        }
        // sample = population: the winner is the best of the last 20 trials
        Observation best = history.subList(10, 30).stream().min(Ranking.BEST_FIRST).orElseThrow();
        EvolutionSampler evolution = new EvolutionSampler(20, 20);
        java.util.Set<String> mutated = new java.util.TreeSet<>();
        for (int seed = 0; seed < 200; seed++) {
            Map<String, Object> child = evolution.ask(FLAT, history, new SplittableRandom(seed));
            assertThat(FLAT.isValid(child)).isTrue();
            List<String> changed = child.keySet().stream()
                    .filter(k -> ((Object) child.get(k)).toString().equals(best.params().get(k).toString()) == false)
                    .toList();
            assertThat(changed).as("child %s of %s", child, best.params()).hasSize(1);
            mutated.addAll(changed);
        }
        assertThat(mutated).containsExactlyInAnyOrder("optimizer", "learning_rate", "width", "dropout", "flag");
    }

    @Test
    void agingForgetsTrialsOutsideThePopulation() {
        List<Observation> history = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(6);
        for (int t = 0; t < 25; t++) {
            Map<String, Object> p = new RandomSampler().ask(FLAT, history, r);
            history.add(new Observation(t, p, t == 0 ? TrialState.COMPLETE : TrialState.COMPLETE, t == 0 ? -100.0 : t, 9));
        }
        EvolutionSampler evolution = new EvolutionSampler(10, 10);
        assertThat(evolution.tournament(history, new SplittableRandom(1)).number()).isEqualTo(15);
    }

    @Test
    void aChangedParentGivesItsNewlyActiveChildrenValues() {
        SearchSpace space = SamplersTest.SPACE;
        Map<String, Object> parent = new java.util.LinkedHashMap<>(Map.of("optimizer", "adam", "learning_rate", 0.001,
                "batch", 16, "width", 16, "depth", 4, "dropout", 0.2, "epochs", 9));
        assertThat(space.isValid(parent)).isTrue();
        int sgd = 0;
        for (int seed = 0; seed < 100; seed++) {
            Map<String, Object> child = EvolutionSampler.mutate(space, parent, new SplittableRandom(seed));
            assertThat(space.isValid(child)).as("%s", child).isTrue();
            if ("sgd".equals(child.get("optimizer"))) {
                sgd++;
                assertThat(child).containsKeys("momentum", "nesterov");
            }
        }
        assertThat(sgd).isPositive();
    }

    @Test
    void randomUntilThePopulationIsFull() {
        List<Observation> history = new ArrayList<>();
        for (int t = 0; t < 19; t++) {
            history.add(new Observation(t, new RandomSampler().ask(FLAT, history, new SplittableRandom(t)),
                    TrialState.COMPLETE, 1.0, 9));
        }
        assertThat(new EvolutionSampler(20, 5).ask(FLAT, history, new SplittableRandom(3)))
                .isEqualTo(new RandomSampler().ask(FLAT, history, new SplittableRandom(3)));
    }
}
