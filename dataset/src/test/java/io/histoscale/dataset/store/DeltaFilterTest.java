package io.histoscale.dataset.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class DeltaFilterTest {

    @ParameterizedTest
    @CsvSource({"1, 7, 5", "3, 7, 5", "3, 224, 3", "1, 1, 1", "3, 1, 4"})
    void undoRestoresAnyBytes(int channels, int width, int height) {
        byte[] original = new byte[width * height * channels];
        new SplittableRandom(width * 31L + channels).nextBytes(original);
        original[0] = (byte) 0xff;
        original[original.length - 1] = 0;
        byte[] filtered = original.clone();
        DeltaFilter.apply(filtered, width, channels);
        if (original.length > channels) assertThat(filtered).isNotEqualTo(original);

        byte[] framed = new byte[filtered.length + 10];
        System.arraycopy(filtered, 0, framed, 4, filtered.length);
        DeltaFilter.undo(framed, 4, filtered.length, width, channels);
        byte[] restored = new byte[original.length];
        System.arraycopy(framed, 4, restored, 0, restored.length);
        assertThat(restored).isEqualTo(original);
    }
}
