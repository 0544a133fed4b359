package io.histoscale.train.augment;

import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatchTransformTest {

    /** An 8x8 patch whose pixel (x, y) is RGB (x, y, 100 + x + 8y): every pixel is different. */
    static byte[] coordinates(int side) {
        byte[] hwc = new byte[side * side * 3];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                hwc[3 * (y * side + x)] = (byte) x;
                hwc[3 * (y * side + x) + 1] = (byte) y;
                hwc[3 * (y * side + x) + 2] = (byte) (100 + x + side * y);
            }
        }
        return hwc;
    }

    static byte[] apply(PatchTransform t, byte[] hwc, SplittableRandom random) {
        ByteBuffer out = ByteBuffer.allocate(t.outputBytes());
        t.apply(hwc, out, random);
        assertThat(out.position()).isEqualTo(t.outputBytes());
        return out.array();
    }

    @Test
    void evaluationTakesTheCentre() {
        PatchTransform t = new PatchTransform(8, 8, 1, 4, Augmentation.standard(), null);
        byte[] out = apply(t, coordinates(8), null);
        assertThat(out[0]).isEqualTo((byte) 2);
        assertThat(out[1]).isEqualTo((byte) 2);
        assertThat(out[3 * 15]).isEqualTo((byte) 5);
        assertThat(out[3 * 15 + 1]).isEqualTo((byte) 5);
    }

    @Test
    void flipsAndRotationsOnlyMovePixels() {
        PatchTransform t = new PatchTransform(8, 8, 1, 8, new Augmentation(true, true, false, 0, 0), null);
        byte[] in = coordinates(8);
        Set<String> layouts = new HashSet<>();
        for (int seed = 0; seed < 64; seed++) {
            byte[] out = apply(t, in, new SplittableRandom(seed));
            assertThat(pixels(out)).isEqualTo(pixels(in));
            // neighbours stay neighbours: the first two pixels of a row differ by one step in x or y
            int dx = Math.abs(out[3] - out[0]);
            int dy = Math.abs(out[4] - out[1]);
            assertThat(dx + dy).isEqualTo(1);
            layouts.add(Arrays.toString(out));
        }
        assertThat(layouts).hasSize(8);
    }

    @Test
    void randomCropsStayInsideThePatch() {
        PatchTransform t = new PatchTransform(8, 8, 1, 5, new Augmentation(false, false, true, 0, 0), null);
        Set<Integer> corners = new HashSet<>();
        for (int seed = 0; seed < 100; seed++) {
            byte[] out = apply(t, coordinates(8), new SplittableRandom(seed));
            int x0 = out[0];
            int y0 = out[1];
            assertThat(x0).isBetween(0, 3);
            assertThat(y0).isBetween(0, 3);
            assertThat(out[3 * 24]).isEqualTo((byte) (x0 + 4));
            corners.add(x0 * 8 + y0);
        }
        assertThat(corners).hasSize(16);
    }

    @Test
    void downsamplingAveragesBoxes() {
        PatchTransform t = new PatchTransform(8, 8, 2, 4, Augmentation.NONE, null);
        byte[] out = apply(t, coordinates(8), null);
        // pixel (0, 0) averages x in {0, 1}, y in {0, 1}: 0.5 rounds to 1 (half up)
        assertThat(out[0]).isEqualTo((byte) 1);
        assertThat(out[1]).isEqualTo((byte) 1);
        // pixel (3, 3): x, y in {6, 7}
        assertThat(out[3 * 15]).isEqualTo((byte) 7);
    }

    @Test
    void sameRandomSourceGivesTheSameInput() {
        PatchTransform t = new PatchTransform(16, 16, 1, 12, Augmentation.standard(), null);
        byte[] in = new byte[16 * 16 * 3];
        new SplittableRandom(5).nextBytes(in);
        assertThat(apply(t, in, new SplittableRandom(9))).isEqualTo(apply(t, in, new SplittableRandom(9)));
        assertThat(apply(t, in, new SplittableRandom(9))).isNotEqualTo(apply(t, in, new SplittableRandom(10)));
    }

    @Test
    void rejectsInputsLargerThanThePatch() {
        assertThatThrownBy(() -> new PatchTransform(64, 64, 2, 48, Augmentation.NONE, null))
                .isInstanceOf(UserException.class).hasMessageContaining("at most 32");
    }

    private static String pixels(byte[] hwc) {
        String[] p = new String[hwc.length / 3];
        for (int i = 0; i < p.length; i++) {
            p[i] = hwc[3 * i] + "," + hwc[3 * i + 1] + "," + hwc[3 * i + 2];
        }
        Arrays.sort(p);
        return String.join(" ", p);
    }
}
