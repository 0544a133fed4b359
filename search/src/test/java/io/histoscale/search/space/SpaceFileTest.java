package io.histoscale.search.space;

import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpaceFileTest {

    static final String SPACE = """
            learning_rate: {type: float, low: 1e-4, high: 1.0e-2, log: true}
            batch_size: {type: categorical, choices: [16, 32, 64]}
            optimizer: {type: categorical, choices: [adam, sgd]}
            momentum: {type: float, low: 0.8, high: 0.99, when: {optimizer: [sgd]}}
            arch.stages: {type: int, low: 2, high: 6, step: 2}
            epochs: 9
            """;

    @Test
    void readsEveryTypeWithConditionsAndOrdersParentsFirst() {
        SearchSpace space = SpaceFile.parse("momentum: {type: float, low: 0.8, high: 0.99, when: {optimizer: sgd}}\n"
                + SPACE.lines().filter(l -> !l.startsWith("momentum")).reduce("", (a, b) -> a + b + "\n"));
        assertThat(space.params()).extracting(Param::name)
                .containsExactly("optimizer", "momentum", "learning_rate", "batch_size", "arch.stages", "epochs");
        FloatParam lr = (FloatParam) space.param("learning_rate");
        assertThat(lr.low()).isEqualTo(1e-4); // YAML 1.1 reads 1e-4 as text: taken as a number
        assertThat(lr.log()).isTrue();
        IntParam stages = (IntParam) space.param("arch.stages");
        assertThat(stages.value(stages.internal(5.2))).isEqualTo(6);
        assertThat(stages.value(3.9)).isEqualTo(4);
        assertThat(stages.contains(3)).isTrue(); // in range; the grid is the sampler's business
        assertThat(((FixedParam) space.param("epochs")).value()).isEqualTo(9);

        Map<String, Object> adam = space.assign(p -> p instanceof CategoricalParam c ? c.choices().get(0)
                : ((NumericParam) p).value(((NumericParam) p).internalLow()));
        assertThat(adam).doesNotContainKey("momentum").containsEntry("optimizer", "adam").containsEntry("epochs", 9);
        assertThat(space.isValid(adam)).isTrue();
        Map<String, Object> withMomentum = new LinkedHashMap<>(adam);
        withMomentum.put("momentum", 0.9);
        assertThat(space.isValid(withMomentum)).as("momentum is inactive under adam").isFalse();
        Map<String, Object> sgd = new LinkedHashMap<>(withMomentum);
        sgd.put("optimizer", "sgd");
        assertThat(space.isValid(sgd)).isTrue();
        sgd.put("learning_rate", 0.5);
        assertThat(space.isValid(sgd)).as("out of range").isFalse();
    }

    @Test
    void aLogIntegerRangeStaysOnItsGridAndInRange() {
        IntParam p = (IntParam) SpaceFile.parse("n: {type: int, low: 8, high: 256, log: true, step: 8}").param("n");
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            int v = (Integer) p.value(p.internalLow() + r.nextDouble() * (p.internalHigh() - p.internalLow()));
            assertThat(v).isBetween(8, 256);
            assertThat(v % 8).isZero();
        }
    }

    @Test
    void eachMistakeIsOneLineNamingTheParameter() {
        assertThatThrownBy(() -> SpaceFile.parse("lr: {type: gaussian, low: 0, high: 1}"))
                .isInstanceOf(UserException.class)
                .hasMessage("lr: unknown type 'gaussian': give float, int, categorical or fixed");
        assertThatThrownBy(() -> SpaceFile.parse("lr: {type: float, low: 0.1, high: 0.1}"))
                .hasMessage("lr: empty range [0.1, 0.1]: give low < high (or a fixed value)");
        assertThatThrownBy(() -> SpaceFile.parse("lr: {type: float, low: 0.1, high: 0.01}"))
                .hasMessage("lr: inverted range [0.1, 0.01]: give low < high (or a fixed value)");
        assertThatThrownBy(() -> SpaceFile.parse("momentum: {type: float, low: 0.8, high: 0.9, when: {optimizer: [sgd]}}"))
                .hasMessage("momentum: its condition names 'optimizer', which is not a parameter of the space: "
                        + "define optimizer or drop the condition");
        assertThatThrownBy(() -> SpaceFile.parse("lr: {type: float, low: 0, high: 1, log: true}"))
                .hasMessage("lr: a log range needs low > 0, not 0");
        assertThatThrownBy(() -> SpaceFile.parse("n: {type: int, low: 1, high: 4.5}"))
                .hasMessage("n: an int range needs whole bounds, not [1, 4.5]");
        assertThatThrownBy(() -> SpaceFile.parse("o: {type: categorical, choices: []}"))
                .hasMessage("o: a categorical parameter needs choices: [A, B, ...]");
        assertThatThrownBy(() -> SpaceFile.parse("a: {type: categorical, choices: [x], when: {b: [y]}}\n"
                + "b: {type: categorical, choices: [y], when: {a: [x]}}"))
                .hasMessageContaining("its conditions form a cycle");
        assertThatThrownBy(() -> SpaceFile.parse("lr: {type: float, low: 1, hi: 2}"))
                .hasMessageStartingWith("lr: unknown key 'hi' for a float parameter");
        assertThatThrownBy(() -> SpaceFile.parse("lr: [1, 2"))
                .hasMessageStartingWith("not valid YAML");
        assertThatThrownBy(() -> SpaceFile.parse(""))
                .hasMessageStartingWith("no parameters");
    }
}
