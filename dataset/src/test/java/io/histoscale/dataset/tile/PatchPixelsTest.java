package io.histoscale.dataset.tile;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.assertj.core.api.Assertions.assertThat;

class PatchPixelsTest {
    @Test
    void sameSizeIsCopiedAsRgb() {
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0x102030);
        img.setRGB(1, 0, 0xa0b0c0);
        img.setRGB(0, 1, 0x010203);
        img.setRGB(1, 1, 0xffffff);
        assertThat(PatchPixels.toRgb(img, 2))
                .containsExactly(0x10, 0x20, 0x30, 0xa0, 0xb0, 0xc0, 0x01, 0x02, 0x03, 0xff, 0xff, 0xff);
    }

    @Test
    void integerShrinkAveragesBoxes() {
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        int[] reds = {0, 10, 100, 200, 20, 30, 50, 50};
        for (int i = 0; i < 16; i++) img.setRGB(i % 4, i / 4, reds[i % 8] << 16);
        byte[] out = PatchPixels.toRgb(img, 2);
        assertThat(out[0] & 0xff).isEqualTo(15);   // (0+10+20+30)/4
        assertThat(out[3] & 0xff).isEqualTo(100);  // (100+200+50+50)/4
        assertThat(out[6] & 0xff).isEqualTo(15);
    }

    @Test
    void nonSquareRegionsAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> PatchPixels.toRgb(new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB), 2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void otherFactorsInterpolate() {
        BufferedImage img = new BufferedImage(3, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) for (int x = 0; x < 3; x++) img.setRGB(x, y, 0x404040);
        byte[] out = PatchPixels.toRgb(img, 2);
        for (byte b : out) assertThat(b & 0xff).isEqualTo(0x40);
    }
}
