package io.histoscale.staging;

import io.histoscale.slide.camelyon.PnStage;
import io.histoscale.slide.camelyon.SlideLabel;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.histoscale.slide.camelyon.PnStage.PN0;
import static io.histoscale.slide.camelyon.PnStage.PN0_I;
import static io.histoscale.slide.camelyon.PnStage.PN1;
import static io.histoscale.slide.camelyon.PnStage.PN1MI;
import static io.histoscale.slide.camelyon.PnStage.PN2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Quadratic-weighted kappa against values worked out by hand: kappa = 1 - sum(w O) / sum(w E), w = (i - j)^2,
 * E(i, j) = rows(i) columns(j) / N.
 */
class KappaTest {

    @Test
    void identicalRatingsAgreeFully() {
        List<PnStage> stages = List.of(PN0, PN0_I, PN1MI, PN1, PN2, PN1, PN0);
        assertThat(Kappa.quadraticWeighted(stages, stages)).isEqualTo(1.0);
    }

    /**
     * Truth 0 0 1 1, predicted 0 1 1 1: O has (0,0)=1, (0,1)=1, (1,1)=2, so sum(w O) = 1. Rows 2, 2; columns 1, 3;
     * E(0,1) = 2*3/4 = 1.5 and E(1,0) = 2*1/4 = 0.5, so sum(w E) = 2 and kappa = 1 - 1/2 = 0.5.
     */
    @Test
    void oneDisagreementInFourIsHalf() {
        assertThat(Kappa.quadraticWeighted(List.of(PN0, PN0, PN0_I, PN0_I), List.of(PN0, PN0_I, PN0_I, PN0_I))).isEqualTo(0.5);
    }

    /** Truth 0 4, predicted 4 0: sum(w O) = 16 + 16 = 32; every E is 0.5, sum(w E) = 2 * 0.5 * 16 = 16; kappa -1. */
    @Test
    void swappedExtremesAreMinusOne() {
        assertThat(Kappa.quadraticWeighted(List.of(PN0, PN2), List.of(PN2, PN0))).isEqualTo(-1.0);
    }

    /**
     * Truth 0 1 2 3 4 2, predicted 0 2 2 3 3 1: disagreements (1,2), (4,3), (2,1) cost 1 each, sum(w O) = 3. Rows
     * 1 1 2 1 1, columns 1 1 2 2 0; sum over j of columns(j) (i-j)^2 is 27, 11, 7, 15, 35 for i = 0..4, weighted by
     * the rows 27 + 11 + 14 + 15 + 35 = 102, over N = 6 gives sum(w E) = 17: kappa = 1 - 3/17 = 14/17.
     */
    @Test
    void mixedCaseIsFourteenSeventeenths() {
        double kappa = Kappa.quadraticWeighted(List.of(PN0, PN0_I, PN1MI, PN1, PN2, PN1MI), List.of(PN0, PN1MI, PN1MI, PN1, PN1, PN0_I));
        assertThat(kappa).isCloseTo(14.0 / 17, within(1e-12));
    }

    /**
     * Quadratic weights punish a far miss more than near ones: truth 0 0 4 4; one 0 read as 1 (cost 1) against one 0
     * read as 4 (cost 16). Near: sum(w O) = 1, rows 2 0 0 0 2, columns 1 1 0 0 2, sum(w E) = (2(1*0 + 1*1 + 2*16) +
     * 2(1*16 + 1*9 + 2*0))/4 = (66 + 50)/4 = 29, kappa = 28/29. Far: O (0,0)=1, (0,4)=1, (4,4)=2, sum(w O) = 16;
     * columns 1 0 0 0 3, sum(w E) = (2(3*16) + 2(1*16))/4 = 32, kappa = 1/2.
     */
    @Test
    void farMissesCostTheSquareOfTheirDistance() {
        List<PnStage> truth = List.of(PN0, PN0, PN2, PN2);
        assertThat(Kappa.quadraticWeighted(truth, List.of(PN0, PN0_I, PN2, PN2))).isCloseTo(28.0 / 29, within(1e-12));
        assertThat(Kappa.quadraticWeighted(truth, List.of(PN0, PN2, PN2, PN2))).isEqualTo(0.5);
    }

    @Test
    void chanceLevelPredictionIsZero() {
        // Predicting one stage for everyone: every E row equals its O row, observed = expected.
        assertThat(Kappa.quadraticWeighted(List.of(PN0, PN1, PN2, PN1MI), List.of(PN1, PN1, PN1, PN1))).isEqualTo(0.0);
    }

    @Test
    void undefinedWithoutSpreadOrPairs() {
        assertThat(Kappa.quadraticWeighted(List.of(PN1, PN1), List.of(PN1, PN1))).isNaN();
        assertThat(Kappa.quadraticWeighted(List.of(), List.of())).isNaN();
    }

    @Test
    void confusionMatrixCountsPairs() {
        ConfusionMatrix<SlideLabel> m = ConfusionMatrix.of(SlideLabel.class,
                List.of(SlideLabel.MACRO, SlideLabel.MACRO, SlideLabel.ITC, SlideLabel.NEGATIVE),
                List.of(SlideLabel.MACRO, SlideLabel.MICRO, SlideLabel.NEGATIVE, SlideLabel.NEGATIVE));
        assertThat(m.total()).isEqualTo(4);
        assertThat(m.count(SlideLabel.MACRO, SlideLabel.MICRO)).isEqualTo(1);
        assertThat(m.count(SlideLabel.ITC, SlideLabel.NEGATIVE)).isEqualTo(1);
        assertThat(m.accuracy()).isEqualTo(0.5);
        assertThat(m.toText(SlideLabel::csvName)).contains("truth\\pred").contains("negative").contains("macro");
        assertThat(m.toText(SlideLabel::csvName).lines()).hasSize(5);
    }
}
