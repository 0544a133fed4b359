package io.histoscale.search.sampler;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TestFunctionTest {

    @Test
    void optimaAreWhereTheLiteratureSays() {
        assertThat(TestFunction.BRANIN.value(new double[] {Math.PI, 2.275})).isCloseTo(0.397887, within(1e-6));
        assertThat(TestFunction.BRANIN.value(new double[] {-Math.PI, 12.275})).isCloseTo(0.397887, within(1e-6));
        assertThat(TestFunction.HARTMANN6.value(new double[] {0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573}))
                .isCloseTo(-3.32237, within(1e-5));
        double[] ones = new double[10];
        Arrays.fill(ones, 1);
        assertThat(TestFunction.LEVY10.value(ones)).isCloseTo(0, within(1e-12));
        assertThat(TestFunction.ROSENBROCK10.value(ones)).isZero();
    }

    @Test
    void spacesMatchTheBounds() {
        for (TestFunction f : TestFunction.values()) {
            assertThat(f.space().params()).hasSize(f.dimensions());
            assertThat(TestFunction.byId(f.id())).isSameAs(f);
            double[] mid = new double[f.dimensions()];
            for (int i = 0; i < mid.length; i++) mid[i] = (f.low(i) + f.high(i)) / 2;
            assertThat(f.value(mid)).isGreaterThanOrEqualTo(f.optimum());
        }
        assertThat(TestFunction.LEVY10.low(3)).isEqualTo(-10);
    }

    @Test
    void erfcIsAccurate() {
        assertThat(Gauss.erfc(0)).isCloseTo(1, within(1e-15));
        assertThat(Gauss.erfc(1)).isCloseTo(0.157299207050285, within(1e-13));
        assertThat(Gauss.erfc(3) / 2.209049699858544e-05).isCloseTo(1, within(1e-10));
        assertThat(Gauss.erfc(-2)).isCloseTo(1.995322265018953, within(1e-13));
        assertThat(Gauss.mass(-1, 1)).isCloseTo(0.682689492137086, within(1e-12));
    }
}
