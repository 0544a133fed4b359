package io.histoscale.train.metrics;

import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PredictionsTest {

    @Test
    void binaryMetricsByHand() {
        Predictions p = new Predictions(List.of("normal", "tumour"));
        p.add(0, 1, new float[] {0.1f, 0.9f});   // tumour, right
        p.add(1, 1, new float[] {0.6f, 0.4f});   // tumour, missed
        p.add(2, 0, new float[] {0.8f, 0.2f});   // normal, right
        p.add(3, 0, new float[] {0.7f, 0.3f});   // normal, right
        p.add(4, 0, new float[] {0.3f, 0.7f});   // normal, false alarm
        p.add(5, -1, new float[] {0.5f, 0.5f});  // unlabelled: not counted
        Metrics m = p.metrics(1);
        assertThat(m.count()).isEqualTo(5);
        assertThat(m.confusion()).isDeepEqualTo(new long[][] {{2, 1}, {1, 1}});
        assertThat(m.accuracy()).isCloseTo(3 / 5.0, within(1e-12));
        assertThat(m.sensitivity()).isCloseTo(1 / 2.0, within(1e-12));
        assertThat(m.specificity()).isCloseTo(2 / 3.0, within(1e-12));
        // tumour scores 0.9, 0.4 against normal 0.2, 0.3, 0.7: 0.9 beats 3, 0.4 beats 2 -> 5 of 6
        assertThat(m.auc()).isCloseTo(5 / 6.0, within(1e-12));
        double loss = -(Math.log(0.9) + Math.log(0.4) + Math.log(0.8) + Math.log(0.7) + Math.log(0.3)) / 5;
        assertThat(m.loss()).isCloseTo(loss, within(1e-6));
    }

    @Test
    void positiveClassCanBeTheFirst() {
        Predictions p = new Predictions(List.of("tumour", "normal"));
        p.add(0, 0, new float[] {0.9f, 0.1f});
        p.add(1, 1, new float[] {0.2f, 0.8f});
        p.add(2, 1, new float[] {0.6f, 0.4f});
        Metrics m = p.metrics(0);
        assertThat(m.sensitivity()).isEqualTo(1.0);
        assertThat(m.specificity()).isCloseTo(0.5, within(1e-12));
        assertThat(m.auc()).isEqualTo(1.0);
    }

    @Test
    void multiClassAucIsTheMeanOneVsRest() {
        Predictions p = new Predictions(List.of("a", "b", "c"));
        p.add(0, 0, new float[] {0.8f, 0.1f, 0.1f});
        p.add(1, 1, new float[] {0.1f, 0.8f, 0.1f});
        p.add(2, 2, new float[] {0.5f, 0.1f, 0.4f});
        Metrics m = p.metrics(1);
        // a: 0.8 vs {0.1, 0.5} = 1; b: 0.8 vs {0.1, 0.1} = 1; c: 0.4 vs {0.1, 0.1} = 1
        assertThat(m.auc()).isEqualTo(1.0);
        assertThat(m.accuracy()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(m.sensitivity()).isNull();
        assertThat(m.specificity()).isNull();
    }

    @Test
    void undefinedMeasuresAreNull() {
        Predictions p = new Predictions(List.of("normal", "tumour"));
        p.add(0, 1, new float[] {0.3f, 0.7f});
        Metrics m = p.metrics(1);
        assertThat(m.auc()).isNull();
        assertThat(m.specificity()).isNull();
        assertThat(m.sensitivity()).isEqualTo(1.0);
        assertThat(new Predictions(List.of("normal", "tumour")).metrics(1).accuracy()).isNull();
    }

    @Test
    void writesOneCsvRowPerPatch() {
        Predictions p = new Predictions(List.of("normal", "tumour"));
        p.add(7, 1, new float[] {0.25f, 0.75f});
        p.add(9, -1, new float[] {0.5f, 0.5f});
        StringWriter out = new StringWriter();
        p.writeCsv(out, List.of("slide"), i -> List.of("s" + i));
        assertThat(out.toString()).isEqualTo("index,slide,label,predicted,p_normal,p_tumour\n"
                + "7,s7,tumour,tumour,0.250000,0.750000\n"
                + "9,s9,,normal,0.500000,0.500000\n");
    }
}
