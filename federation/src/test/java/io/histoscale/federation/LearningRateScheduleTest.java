package io.histoscale.federation;

import ai.djl.Device;
import io.histoscale.core.UserException;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.federation.LocalTraining.Schedule;
import io.histoscale.federation.strategy.Strategy;
import io.histoscale.federation.strategy.Strategy.Assignment;
import io.histoscale.federation.strategy.Strategy.GlobalState;
import io.histoscale.federation.strategy.Strategy.Progress;
import io.histoscale.federation.strategy.Strategy.SiteInfo;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.TorchEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The learning-rate schedule: its values, the same curve for every strategy, and that training follows it. */
class LearningRateScheduleTest {

    @TempDir
    Path dir;

    static final double PEAK = 0.01;

    @Test
    void cosineFallsFromThePeakToNearZeroAndConstantStaysPut() {
        Schedule cosine = new Schedule("cosine", 0, 1);
        assertThat(cosine.rate(PEAK, 0, 90)).isEqualTo(PEAK, within(1e-12));
        assertThat(cosine.rate(PEAK, 45, 90)).isEqualTo(PEAK / 2, within(1e-12));
        // the last step of the budget: 0.5 (1 + cos(pi 89/90)) of the peak
        assertThat(cosine.rate(PEAK, 89, 90)).isEqualTo(PEAK * 0.5 * (1 + Math.cos(Math.PI * 89 / 90)), within(1e-12))
                .isLessThan(PEAK * 0.001);
        for (int k = 1; k < 90; k++) {
            assertThat(cosine.rate(PEAK, k, 90)).isLessThan(cosine.rate(PEAK, k - 1, 90));
        }
        for (int k = 0; k < 90; k += 11) {
            assertThat(Schedule.CONSTANT.rate(PEAK, k, 90)).isEqualTo(PEAK);
            assertThat(new Schedule("constant", 0.5, 0.6).rate(PEAK, k, 90)).isEqualTo(PEAK);
        }
        // a task covering the second half starts where the whole budget is half-way
        assertThat(new Schedule("cosine", 0.5, 1).rate(PEAK, 0, 45)).isEqualTo(PEAK / 2, within(1e-12));
        assertThatThrownBy(() -> new Schedule("step", 0, 1)).hasMessageContaining("step");
        assertThatThrownBy(() -> new Schedule("cosine", 0.5, 0.5)).hasMessageContaining("0.5..0.5");
    }

    @Test
    void everyStrategyGetsTheSameCurveOverTheSameBudget() {
        List<SiteInfo> sites = List.of(new SiteInfo("a", 13, 3, ""), new SiteInfo("b", 13, 3, ""),
                new SiteInfo("c", 13, 3, ""));
        // central: 30 epochs of 3 steps over all data
        List<Double> central = rates(plan("central", List.of("central")), List.of(sites.get(0)), 3);
        assertThat(central).hasSize(90);
        // cyclical: 30 cycles of 3 one-step hops; FedAvg: 30 rounds, each site one 3-step local epoch
        List<Double> cyclical = rates(plan("cyclical", List.of("a", "b", "c")), sites, 1);
        List<Double> fedavg = rates(plan("fedavg", List.of("a", "b", "c")), sites, 3);
        assertThat(cyclical).hasSize(90);
        assertThat(fedavg).hasSize(90 * 3);
        for (int k = 0; k < 90; k++) {
            assertThat(cyclical.get(k)).isEqualTo(central.get(k), within(1e-12));
            for (int s = 0; s < 3; s++) {
                // the round's three sites run the same steps of the curve side by side
                int round = k / 3;
                int step = k % 3;
                assertThat(fedavg.get(round * 9 + s * 3 + step)).isEqualTo(central.get(k), within(1e-12));
            }
        }
        // each per-site model anneals over its own epochs
        Strategy ensemble = Strategy.of(plan("ensemble", List.of("a", "b", "c")));
        assertThat(ensemble.configure(1, null, sites)).extracting(Assignment::progress).containsOnly(Progress.WHOLE);
    }

    @Test
    void plansNameTheirScheduleAndRefuseAnUnknownOne() throws Exception {
        Path file = Files.writeString(dir.resolve("plan.yaml"), "strategy: fedavg\nsites: [a, b]\n"
                + "training: {learning_rate: 0.01, lr_schedule: cosine, optimizer: sgd}\n");
        assertThat(Plan.read(file).training.lrSchedule).isEqualTo("cosine");
        assertThat(new Plan().training.lrSchedule).isEqualTo("constant");
        Files.writeString(file, "strategy: fedavg\nsites: [a, b]\ntraining: {lr_schedule: linear}\n");
        assertThatThrownBy(() -> Plan.read(file)).isInstanceOf(UserException.class)
                .hasMessageContaining("lr_schedule 'linear'");
    }

    @Test
    void aTaskAtTheEndOfACosineBudgetBarelyMovesTheWeights() {
        TorchEngine.start(new EngineSettings(1, 1, 7));
        Plan.ModelPlan model = new Plan.ModelPlan();
        model.inputSize = 24;
        try (PatchStore store = PatchStore.open(Fixtures.store(dir.resolve("s"), 2, 16, 24, 3));
             LocalTraining site = new LocalTraining(store, LongStream.range(0, 32).toArray(), new long[0], model,
                     Device.cpu(), 1)) {
            ModelWeights start = ModelWeights.of(site.parameters());
            double constant = moved(start, site.run(start, task(Schedule.CONSTANT)).weights());
            double first = moved(start, site.run(start, task(new Schedule("cosine", 0, 0.01))).weights());
            double last = moved(start, site.run(start, task(new Schedule("cosine", 0.99, 1))).weights());
            // the first hundredth of a cosine budget runs at about the peak, the last at about 1/4000 of it
            assertThat(constant).isGreaterThan(1e-3);
            assertThat(first).isCloseTo(constant, within(constant * 0.01));
            assertThat(last).isLessThan(constant * 0.01);
        }
    }

    private static LocalTraining.Task task(Schedule schedule) {
        return new LocalTraining.Task(1, 0, 0.05, "sgd", 0, 8, 7, schedule);
    }

    /** The largest change of any weight. */
    private static double moved(ModelWeights from, ModelWeights to) {
        FloatBuffer a = from.parameters();
        FloatBuffer b = to.parameters();
        double most = 0;
        for (int i = 0; i < a.capacity(); i++) {
            most = Math.max(most, Math.abs(a.get(i) - b.get(i)));
        }
        return most;
    }

    private static Plan plan(String strategy, List<String> sites) {
        Plan plan = new Plan();
        plan.strategy = strategy;
        plan.sites = new ArrayList<>(sites);
        plan.epochs = 30;
        plan.rounds = 30;
        plan.cycles = 30;
        plan.localEpochs = 1;
        plan.training.lrSchedule = "cosine";
        plan.check("test");
        return plan;
    }

    /** The rates of every step of every task a strategy assigns, in order, for tasks of {@code stepsPerTask}. */
    private static List<Double> rates(Plan plan, List<SiteInfo> sites, int stepsPerTask) {
        Strategy strategy = Strategy.of(plan);
        GlobalState state = new GlobalState(0, List.of(), List.of(), null, null);
        List<Double> rates = new ArrayList<>();
        for (int round = 1; ; round++) {
            List<Assignment> tasks = strategy.configure(round, state, sites);
            if (tasks.isEmpty()) {
                return rates;
            }
            for (Assignment a : tasks) {
                Schedule schedule = new Schedule(plan.training.lrSchedule, a.progress().from(), a.progress().to());
                for (int k = 0; k < stepsPerTask * a.epochs(); k++) {
                    rates.add(schedule.rate(PEAK, k, (long) (stepsPerTask * a.epochs())));
                }
            }
            state = state.unchanged(round);
        }
    }
}
