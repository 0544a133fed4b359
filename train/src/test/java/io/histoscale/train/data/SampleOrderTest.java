package io.histoscale.train.data;

import io.histoscale.dataset.store.PatchStore;
import io.histoscale.testkit.SyntheticPatches;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SampleOrderTest {

    @TempDir
    static Path tmp;
    static PatchStore store;

    @BeforeAll
    static void createStore() {
        // 3 slides of 1200 patches: each slide makes 3 blocks (512, 512, 176)
        store = PatchStore.open(SyntheticPatches.builder().slides(3).perSlide(1200).size(8).seed(1)
                .write(tmp.resolve("store")));
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    @Test
    void anEpochIsAPermutationFixedBySeedAndEpoch() {
        long[] all = LongStream.range(0, store.size()).toArray();
        SampleOrder order = SampleOrder.shuffled(store, all);
        long[] epoch0 = order.epoch(7, 0, all.length);
        long[] sorted = epoch0.clone();
        Arrays.sort(sorted);
        assertThat(sorted).isEqualTo(all);
        assertThat(order.epoch(7, 0, all.length)).isEqualTo(epoch0);
        assertThat(order.epoch(7, 1, all.length)).isNotEqualTo(epoch0);
        assertThat(order.epoch(8, 0, all.length)).isNotEqualTo(epoch0);
    }

    @Test
    void shufflesWithinWindowsOfWholeBlocks() {
        // 9 blocks fit in one window of 16: a full shuffle; with more patches, windows keep reads local
        long[] all = LongStream.range(0, store.size()).toArray();
        long[] order = SampleOrder.shuffled(store, all).epoch(1, 0, all.length);
        long mixedFromFar = LongStream.range(1, order.length)
                .filter(i -> Math.abs(order[(int) i] - order[(int) i - 1]) > SampleOrder.BLOCK).count();
        assertThat(mixedFromFar).isGreaterThan(order.length / 2);
    }

    @Test
    void longerEpochsRepeatPassesAndShorterOnesTakeAPrefix() {
        long[] some = LongStream.range(100, 110).toArray();
        SampleOrder order = SampleOrder.shuffled(store, some);
        long[] three = order.epoch(1, 0, 30);
        for (int pass = 0; pass < 3; pass++) {
            long[] part = Arrays.copyOfRange(three, pass * 10, pass * 10 + 10);
            Arrays.sort(part);
            assertThat(part).isEqualTo(some);
        }
        assertThat(order.epoch(1, 0, 4)).isEqualTo(Arrays.copyOf(three, 4));
    }

    @Test
    void balancedSamplingDrawsClassesEquallyOften() {
        long[] all = LongStream.range(0, store.size()).toArray();
        long[] drawn = SampleOrder.balanced(store, all).epoch(3, 0, 20_000);
        double tumour = Arrays.stream(drawn).filter(i -> store.label(i) == 1).count() / 20_000.0;
        // the store holds one tumour patch in three; balanced draws give one in two
        assertThat(tumour).isCloseTo(0.5, within(0.02));
    }
}
