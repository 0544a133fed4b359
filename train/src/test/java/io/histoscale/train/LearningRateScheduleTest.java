package io.histoscale.train;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LearningRateScheduleTest {

    @Test
    void warmsUpLinearlyThenAnnealsToZero() {
        LearningRateSchedule s = new LearningRateSchedule(Schedule.COSINE, 0.1, 10, 110, 1, 1);
        assertThat(s.at(0)).isCloseTo(0.01, within(1e-12));
        assertThat(s.at(4)).isCloseTo(0.05, within(1e-12));
        assertThat(s.at(9)).isCloseTo(0.1, within(1e-12));
        assertThat(s.at(10)).isCloseTo(0.1, within(1e-12));
        assertThat(s.at(60)).isCloseTo(0.05, within(1e-12));
        assertThat(s.at(110)).isCloseTo(0, within(1e-12));
    }

    @Test
    void stepScheduleDecaysEveryStepSize() {
        LearningRateSchedule s = new LearningRateSchedule(Schedule.STEP, 1, 0, 100, 30, 0.1);
        assertThat(s.at(0)).isEqualTo(1);
        assertThat(s.at(29)).isEqualTo(1);
        assertThat(s.at(30)).isCloseTo(0.1, within(1e-12));
        assertThat(s.at(65)).isCloseTo(0.01, within(1e-12));
    }

    @Test
    void configurationCountsInEpochs() {
        TrainConfig c = TrainConfig.builder().optEpochs(4).optLearningRate(0.2).optWarmupEpochs(1)
                .optSchedule(Schedule.CONSTANT).build();
        LearningRateSchedule s = LearningRateSchedule.of(c, 5);
        assertThat(s.at(0)).isCloseTo(0.04, within(1e-12));
        assertThat(s.at(5)).isCloseTo(0.2, within(1e-12));
        assertThat(s.at(19)).isCloseTo(0.2, within(1e-12));
    }
}
