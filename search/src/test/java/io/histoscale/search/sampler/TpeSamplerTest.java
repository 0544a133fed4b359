package io.histoscale.search.sampler;

import io.histoscale.search.TrialState;
import io.histoscale.search.space.SearchSpace;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class TpeSamplerTest {

    /** Median over seeds of the simple regret after {@code trials} trials. */
    static double medianRegret(TestFunction f, Sampler sampler, int seeds, int trials) {
        double[] regret = new double[seeds];
        for (int s = 0; s < seeds; s++) {
            regret[s] = f.simpleRegret(sampler, trials, s);
        }
        Arrays.sort(regret);
        return (regret[(seeds - 1) / 2] + regret[seeds / 2]) / 2;
    }

    @Test
    void beatsRandomOnBranin() {
        double tpe = medianRegret(TestFunction.BRANIN, Samplers.create("tpe", Map.of()), 8, 60);
        double independent = medianRegret(TestFunction.BRANIN, Samplers.create("tpe", Map.of("multivariate", false)), 8, 60);
        double random = medianRegret(TestFunction.BRANIN, new RandomSampler(), 8, 60);
        // measured: tpe 0.180, independent 0.173, random 0.985 (8 seeds × 60 trials)
        assertThat(random).isGreaterThan(0.6);
        assertThat(tpe).isLessThan(0.25).isLessThan(random / 3);
        assertThat(independent).isLessThan(0.25).isLessThan(random / 3);
    }

    @Test
    void startupTrialsAreRandom() {
        SearchSpace space = TestFunction.BRANIN.space();
        List<Observation> history = new ArrayList<>();
        for (int t = 0; t < 5; t++) {
            Map<String, Object> p = new RandomSampler().ask(space, history, new SplittableRandom(t));
            history.add(new Observation(t, p, TrialState.COMPLETE, TestFunction.BRANIN.value(p), 1));
        }
        Sampler tpe = Samplers.create("tpe", Map.of("startup", 6));
        assertThat(tpe.ask(space, history, new SplittableRandom(42)))
                .isEqualTo(new RandomSampler().ask(space, history, new SplittableRandom(42)));
    }

    @Test
    void prunedTrialsRankBelowCompleteOnesByHowFarTheyGot() {
        Map<String, Object> p = Map.of("x0", 1.0, "x1", 1.0);
        List<Observation> history = List.of(
                new Observation(0, p, TrialState.PRUNED, 0.1, 2),
                new Observation(1, p, TrialState.COMPLETE, 5.0, 9),
                new Observation(2, p, TrialState.PRUNED, 0.5, 6),
                new Observation(3, p, TrialState.RUNNING, null, 4),
                new Observation(4, p, TrialState.COMPLETE, 1.0, 9),
                new Observation(5, p, TrialState.FAILED, null, 1));
        assertThat(Ranking.ranked(history)).extracting(Observation::number).containsExactly(4, 1, 2, 0);
    }

    @Test
    void concentratesOnTheBestChoiceOfACategorical() {
        SearchSpace space = io.histoscale.search.space.SpaceFile.parse(
                "arm: {type: categorical, choices: [a, b, c, d]}\nx: {type: int, low: 0, high: 10}\n");
        Sampler tpe = Samplers.create("tpe", Map.of());
        List<Observation> history = new ArrayList<>();
        int c = 0;
        for (int t = 0; t < 60; t++) {
            Map<String, Object> p = tpe.ask(space, history, new SplittableRandom(t));
            double loss = (p.get("arm").equals("c") ? 0 : 1) + Math.abs((Integer) p.get("x") - 7) / 10.0;
            history.add(new Observation(t, p, TrialState.COMPLETE, loss, 1));
            if (t >= 40 && p.get("arm").equals("c")) c++;
        }
        assertThat(c).isGreaterThan(12);
    }
}
