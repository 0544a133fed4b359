package io.histoscale.federation;

import ai.djl.Device;
import ai.djl.Model;
import io.histoscale.core.UserException;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.federation.strategy.Strategies;
import io.histoscale.federation.strategy.Strategy.Assignment;
import io.histoscale.federation.strategy.Strategy.GlobalState;
import io.histoscale.federation.strategy.Strategy.SiteInfo;
import io.histoscale.federation.strategy.Strategy;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.FlatParameters;
import io.histoscale.model.ModelSpec;
import io.histoscale.model.ModelWeights;
import io.histoscale.model.TorchEngine;
import io.histoscale.testkit.SyntheticPatches;
import io.histoscale.train.FitRequest;
import io.histoscale.train.LearningRateSchedule;
import io.histoscale.train.Optimizer;
import io.histoscale.train.Schedule;
import io.histoscale.train.TrainConfig;
import io.histoscale.train.TrainListener;
import io.histoscale.train.Training;
import io.histoscale.train.augment.Augmentation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The learning-rate schedule of federated training: one curve over a strategy's whole budget, whichever sites train
 * which stretch of it, and a site's training follows it.
 */
class LearningRateScheduleTest {

    @TempDir
    Path dir;

    static final double PEAK = 0.01;
    static final TrainConfig COSINE = TrainConfig.builder().optLearningRate(PEAK).optWarmupEpochs(0)
            .optSchedule(Schedule.COSINE).build();

    @Test
    void everyStrategyGetsTheSameCurveOverTheSameBudget() {
        List<SiteInfo> sites = List.of(new SiteInfo("a", 13, 3, ""), new SiteInfo("b", 13, 3, ""),
                new SiteInfo("c", 13, 3, ""));
        // central: 30 epochs of 3 steps over all data
        List<Double> central = rates(Strategies.create("central", Map.of("epochs", 30)), List.of(sites.get(0)), 3);
        assertThat(central).hasSize(90);
        // cyclical: 30 cycles of 3 hops of one 1-step site epoch; FedAvg: 30 rounds, each site one 3-step epoch
        List<Double> cyclical = rates(Strategies.create("cyclical", Map.of("cycles", 30)), sites, 1);
        List<Double> fedavg = rates(Strategies.create("fedavg", Map.of("rounds", 30)), sites, 3);
        assertThat(cyclical).hasSize(90);
        assertThat(fedavg).hasSize(90 * 3);
        assertThat(central.get(0)).isEqualTo(PEAK, within(1e-12));
        assertThat(central.get(45)).isEqualTo(PEAK / 2, within(1e-12));
        assertThat(central.get(89)).isLessThan(PEAK * 0.001);
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
        Strategy ensemble = Strategies.create("ensemble", Map.of("max_epochs", 7));
        assertThat(ensemble.configure(1, null, sites)).extracting(a -> a.config().get(FitRequest.BUDGET_EPOCHS))
                .containsOnly(7.0);
    }

    @Test
    void plansTakeTheScheduleOfTheTrainingSettingsAndRefuseAnUnknownOne() throws Exception {
        Path file = Files.writeString(dir.resolve("plan.yaml"), "strategy: fedavg\nsites: [a, b]\n"
                + "training: {learning_rate: 0.01, schedule: constant, optimizer: sgd}\n");
        Plan plan = Plan.read(file);
        assertThat(plan.trainConfig().schedule()).isEqualTo(Schedule.CONSTANT);
        assertThat(plan.trainConfig().optimizer()).isEqualTo(Optimizer.SGD);
        // one source of defaults: a plan that says nothing trains as histoscale train does
        assertThat(new Plan().trainConfig().schedule()).isEqualTo(TrainConfig.DEFAULTS.schedule());
        assertThat(new Plan().trainConfig().weightDecay()).isEqualTo(TrainConfig.DEFAULTS.weightDecay());
        Files.writeString(file, "strategy: fedavg\nsites: [a, b]\ntraining: {schedule: linear}\n");
        assertThatThrownBy(() -> Plan.read(file)).isInstanceOf(UserException.class)
                .hasMessageStartingWith("schedule 'linear': expected one of [cosine, step, constant]");
    }

    @Test
    void aStretchAtTheEndOfACosineBudgetBarelyMovesTheWeights() {
        TorchEngine.start(new EngineSettings(1, 1, 7));
        TrainConfig sgd = TrainConfig.builder().setModel("small").optInputSize(24).optBatchSize(8)
                .optOptimizer(Optimizer.SGD).optLearningRate(0.05).optWeightDecay(0).optWarmupEpochs(0)
                .optAugmentation(Augmentation.NONE).optThreads(1).optWorkers(1).optSeed(7).build();
        Path patches = SyntheticPatches.builder().slides(2).perSlide(16).size(24).seed(3).tumourEvery(2)
                .write(dir.resolve("s"));
        try (PatchStore store = PatchStore.open(patches);
             Model model = ModelSpec.builder().setArchitecture("small").setNumClasses(2).optInputSize(24).build()
                     .newModel(Device.cpu(), 7)) {
            ModelWeights start = ModelWeights.of(FlatParameters.of(model));
            long[] all = LongStream.range(0, 32).toArray();
            double constant = moved(start, fit(sgd.toBuilder().optSchedule(Schedule.CONSTANT).build(), store, all,
                    start, 0, 1));
            double first = moved(start, fit(sgd, store, all, start, 0, 1));
            double last = moved(start, fit(sgd, store, all, start, 99, 100));
            // the first hundredth of a cosine budget runs at about the peak, the last at about 1/4000 of it
            assertThat(constant).isGreaterThan(1e-3);
            assertThat(first).isCloseTo(constant, within(constant * 0.01));
            assertThat(last).isLessThan(constant * 0.01);
        }
    }

    private static ModelWeights fit(TrainConfig config, PatchStore store, long[] train, ModelWeights start,
                                    double from, double to) {
        return Training.fit(new FitRequest(config, store, train, new long[0], start, from, to, 100, false, 0,
                TrainListener.NONE)).weights();
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

    /**
     * The rates of every step of every task a strategy assigns, in order, for sites whose epochs have
     * {@code stepsPerEpoch} steps: the train module's schedule over the task's budget, at the task's stretch.
     */
    private static List<Double> rates(Strategy strategy, List<SiteInfo> sites, int stepsPerEpoch) {
        GlobalState state = new GlobalState(0, List.of(), List.of(), null, null);
        List<Double> rates = new ArrayList<>();
        for (int round = 1; ; round++) {
            List<Assignment> tasks = strategy.configure(round, state, sites);
            if (tasks.isEmpty()) {
                return rates;
            }
            for (Assignment a : tasks) {
                double from = ((Number) a.config().get(FitRequest.FROM_EPOCH)).doubleValue();
                double to = ((Number) a.config().get(FitRequest.TO_EPOCH)).doubleValue();
                double budget = ((Number) a.config().get(FitRequest.BUDGET_EPOCHS)).doubleValue();
                LearningRateSchedule schedule = LearningRateSchedule.of(COSINE, stepsPerEpoch, 1, budget);
                for (long k = Math.round(from * stepsPerEpoch); k < Math.round(to * stepsPerEpoch); k++) {
                    rates.add(schedule.at(k));
                }
            }
            state = state.unchanged(round);
        }
    }
}
