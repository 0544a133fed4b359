package io.histoscale.search.scheduler;

import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchedulerTest {

    @Test
    void ashaKeepsTheBestThirdOfEachRungAndDecidesWithoutWaiting() {
        Scheduler asha = Schedulers.create("asha", Map.of("min_epochs", 1, "eta", 3), 9);
        Reports r = new Reports();
        // rung 1: the first trial is alone and the best so far: it goes on
        r.add(0, 1, 0.50);
        assertThat(asha.keepGoing(0, 1, r)).isTrue();
        // a worse one arrives: 2 at the rung, max(1, 2/3) = 1 kept: not it
        r.add(1, 1, 0.60);
        assertThat(asha.keepGoing(1, 1, r)).isFalse();
        // a better one goes on
        r.add(2, 1, 0.40);
        assertThat(asha.keepGoing(2, 1, r)).isTrue();
        // six at the rung: the best two (6/3) go on; the third best stops
        r.add(3, 1, 0.45).add(4, 1, 0.70).add(5, 1, 0.47);
        assertThat(asha.keepGoing(3, 1, r)).isTrue();
        assertThat(asha.keepGoing(5, 1, r)).isFalse();
        // epoch 2 is no rung: everybody goes on; 3 is the next
        r.add(4, 2, 9.0);
        assertThat(asha.keepGoing(4, 2, r)).isTrue();
        r.add(0, 3, 0.30).add(2, 3, 0.35);
        assertThat(asha.keepGoing(0, 3, r)).isTrue();
        assertThat(asha.keepGoing(2, 3, r)).isFalse();
        assertThat(new Asha(1, 3).isRung(9)).isTrue();
        assertThat(new Asha(2, 2).isRung(6)).isFalse();
        assertThat(new Asha(2, 2).isRung(8)).isTrue();
    }

    @Test
    void hyperbandDealsTrialsToBracketsAndComparesWithinOne() {
        Hyperband hb = (Hyperband) Schedulers.create("hyperband", Map.of("eta", 3), 9);
        assertThat(hb.brackets()).isEqualTo(3); // first rungs at 1, 3 and 9 epochs
        assertThat(hb.bracketOf(0)).isZero();
        assertThat(hb.bracketOf(4)).isEqualTo(1);
        Reports r = new Reports();
        // bracket 0 (trials 0, 3): pruning starts at epoch 1
        r.add(0, 1, 0.2).add(3, 1, 0.9);
        assertThat(hb.keepGoing(3, 1, r)).isFalse();
        // bracket 1 (trials 1, 4): epoch 1 is no rung; trial 4 goes on even though worse than bracket 0's
        r.add(1, 1, 0.1).add(4, 1, 0.95);
        assertThat(hb.keepGoing(4, 1, r)).isTrue();
        // bracket 2 (trials 2, 5) starts at 9 = the budget: it never stops a trial before its end
        r.add(2, 3, 0.1).add(5, 3, 0.99);
        assertThat(hb.keepGoing(5, 3, r)).isTrue();
        r.add(1, 3, 0.1).add(4, 3, 0.95);
        assertThat(hb.keepGoing(4, 3, r)).isFalse();
    }

    @Test
    void badSettingsAreOneLine() {
        assertThatThrownBy(() -> Schedulers.create("asha", Map.of("eta", 1), 9)).isInstanceOf(UserException.class)
                .hasMessageContaining("eta").hasMessageContaining("give 2 or more");
        assertThatThrownBy(() -> Schedulers.create("asha", Map.of("min_epochs", 12), 9))
                .hasMessageContaining("min_epochs");
        assertThatThrownBy(() -> Schedulers.create("asha", Map.of("rungs", 3), 9)).hasMessageContaining("rungs");
        assertThatThrownBy(() -> Schedulers.create("median", Map.of(), 9))
                .hasMessage("scheduler 'median' is not one of [none, asha, hyperband]");
    }
}
