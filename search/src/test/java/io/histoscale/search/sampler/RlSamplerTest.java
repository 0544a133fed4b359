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

class RlSamplerTest {

    @Test
    void policyConcentratesOnTheBestArm() {
        SearchSpace space = SpaceFile.parse("""
                arm: {type: categorical, choices: [a, b, c, d, e]}
                x: {type: float, low: 0.0, high: 1.0}
                """);
        RlSampler rl = (RlSampler) Samplers.create("rl", Map.of());
        List<Observation> history = new ArrayList<>();
        SplittableRandom noise = new SplittableRandom(11);
        for (int t = 0; t < 80; t++) {
            Map<String, Object> p = rl.ask(space, history, new SplittableRandom(t));
            double loss = (p.get("arm").equals("d") ? 0 : 1) + ((Double) p.get("x")) * 0.5 + 0.1 * noise.nextDouble();
            history.add(new Observation(t, p, TrialState.COMPLETE, loss, 1));
        }
        double[] arm = rl.policy(space, history).get("arm");
        assertThat(arm[3]).isGreaterThan(0.8);
        double[] x = rl.policy(space, history).get("x");
        assertThat(x).hasSize(8);
        assertThat(x[0] + x[1]).isGreaterThan(x[6] + x[7]);
        long d = history.subList(60, 80).stream().filter(o -> o.params().get("arm").equals("d")).count();
        assertThat(d).isGreaterThan(14);
    }

    @Test
    void startsUniformAndIgnoresTrialsWithoutALoss() {
        SearchSpace space = SpaceFile.parse("arm: {type: categorical, choices: [a, b]}\nk: {type: int, low: 1, high: 3}\n");
        RlSampler rl = new RlSampler(8, 0.2, 0.9);
        List<Observation> running = List.of(new Observation(0, Map.of("arm", "a", "k", 2), TrialState.RUNNING, null, 0));
        assertThat(rl.policy(space, running).get("arm")).containsExactly(0.5, 0.5);
        assertThat(rl.policy(space, running).get("k")).hasSize(3);
    }
}
