package io.histoscale.train.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AucTest {

    @Test
    void countsPairsRankedRight() {
        // pairs (positive, negative): (0.35, 0.1) yes, (0.35, 0.4) no, (0.8, 0.1) yes, (0.8, 0.4) yes: 3 of 4
        assertThat(Auc.of(new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {false, false, true, true}))
                .isCloseTo(0.75, within(1e-12));
    }

    @Test
    void tiesCountHalf() {
        // positives {2, 3}, negatives {1, 2}: 2>1, 2=2 (half), 3>1, 3>2: 3.5 of 4
        assertThat(Auc.of(new double[] {1, 2, 2, 3}, new boolean[] {false, true, false, true}))
                .isCloseTo(0.875, within(1e-12));
        assertThat(Auc.of(new double[] {5, 5, 5, 5, 5}, new boolean[] {true, false, true, false, false}))
                .isCloseTo(0.5, within(1e-12));
    }

    @Test
    void perfectAndReversedRankings() {
        boolean[] positive = {false, false, false, true, true};
        assertThat(Auc.of(new double[] {0.1, 0.2, 0.3, 0.4, 0.5}, positive)).isEqualTo(1.0);
        assertThat(Auc.of(new double[] {0.5, 0.4, 0.3, 0.2, 0.1}, positive)).isEqualTo(0.0);
    }

    @Test
    void undefinedWithOneClass() {
        assertThat(Auc.of(new double[] {0.1, 0.9}, new boolean[] {true, true})).isNaN();
        assertThat(Auc.of(new double[] {0.1, 0.9}, new boolean[] {false, false})).isNaN();
    }
}
