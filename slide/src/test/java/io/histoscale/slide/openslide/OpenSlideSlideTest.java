package io.histoscale.slide.openslide;

import io.histoscale.slide.Slide;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.histoscale.slide.SlideTestData.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenSlideSlideTest {

    @BeforeEach
    void needsOpenSlide() {
        assumeOpenSlide();
    }

    @Test
    void readsEverySharedSlide() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(sharedSlides())) {
            files = listing.filter(f -> !f.getFileName().toString().endsWith(".md")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            try (Slide slide = OpenSlideSlide.open(file)) {
                assertThat(slide.levelCount()).as(file.toString()).isPositive();
                for (int level = 0; level < slide.levelCount(); level++) {
                    int w = (int) Math.min(64, slide.width(level));
                    int h = (int) Math.min(64, slide.height(level));
                    long x = (long) ((slide.width(level) - w) / 2 * slide.downsample(level));
                    long y = (long) ((slide.height(level) - h) / 2 * slide.downsample(level));
                    BufferedImage region = slide.readRegion(level, x, y, w, h);
                    assertThat(region.getWidth()).isEqualTo(w);
                    assertThat(region.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
                }
                for (String name : slide.associatedImageNames()) {
                    assertThat(slide.associatedImage(name).getWidth()).as(file + " " + name).isPositive();
                }
            }
        }
    }

    @Test
    void aperioSlide() {
        try (Slide slide = OpenSlideSlide.open(sharedSlide(CMU_1))) {
            assertThat(slide.backend().name()).isEqualTo("openslide");
            assertThat(slide.format()).isEqualTo("aperio");
            assertThat(slide.levelCount()).isEqualTo(1);
            assertThat(slide.width(0)).isEqualTo(2220);
            assertThat(slide.height(0)).isEqualTo(2967);
            assertThat(slide.mppX().getAsDouble()).isEqualTo(0.499);
            assertThat(slide.objectivePower().getAsDouble()).isEqualTo(20);
            assertThat(slide.associatedImageNames()).containsExactlyInAnyOrder("thumbnail", "label", "macro");
            assertThat(slide.properties()).containsEntry("aperio.AppMag", "20");
        }
    }

    @Test
    void hamamatsuPyramid() {
        try (Slide slide = OpenSlideSlide.open(sharedSlide(NDPI))) {
            assertThat(slide.format()).isEqualTo("hamamatsu");
            assertThat(slide.levelCount()).isEqualTo(7);
            assertThat(slide.width(0)).isEqualTo(3968);
            assertThat(slide.height(0)).isEqualTo(4864);
            assertThat(slide.downsample(6)).isEqualTo(64.0);
            assertThat(slide.mppX().getAsDouble()).isEqualTo(0.2281750559028887);
            assertThat(slide.objectivePower().getAsDouble()).isEqualTo(40);
            assertThat(slide.bestLevelForDownsample(10)).isEqualTo(3);
        }
    }

    @Test
    void genericTiffIgnoresAnImageEditorsPlaceholderResolution() {
        try (Slide slide = OpenSlideSlide.open(sharedSlide(BOXES))) {
            assertThat(slide.format()).isEqualTo("generic-tiff");
            assertThat(slide.properties()).doesNotContainKey("openslide.mpp-x")
                    .containsEntry("tiff.ResolutionUnit", "centimeter");
            // 28.35 pixels per centimetre is 72 dpi, 352.8 µm/px: no microscope's; unknown, so one must be assumed.
            assertThat(slide.properties()).containsEntry("tiff.XResolution", "28.346456527709961");
            assertThat(slide.mppX()).isEmpty();
            assertThat(slide.objectivePower()).isEmpty();
        }
    }

    @Test
    void outsideTheSlideIsWhite() {
        try (Slide slide = OpenSlideSlide.open(sharedSlide(CMU_1))) {
            BufferedImage region = slide.readRegion(0, -10, -10, 20, 20);
            int inside = slide.readRegion(0, 0, 0, 1, 1).getRGB(0, 0);
            assertThat(region.getRGB(0, 0)).isEqualTo(0xFFFFFFFF);
            assertThat(region.getRGB(9, 9)).isEqualTo(0xFFFFFFFF);
            assertThat(region.getRGB(10, 10)).isEqualTo(inside).isNotEqualTo(0xFFFFFFFF);
        }
    }

    @Test
    void premultipliedArgbBecomesRgbOnWhite() {
        int[] pixels = {0xFF102030, 0x00000000, 0x80402000, 0x01010101};
        OpenSlideSlide.toRgbOnWhite(pixels);
        assertThat(pixels).containsExactly(0x102030, 0xFFFFFF, 0x804000, 0xFFFFFF);
    }

    @Test
    void readsAfterCloseFail() {
        Slide slide = OpenSlideSlide.open(sharedSlide(SMALL_SVS));
        slide.close();
        slide.close();
        assertThatThrownBy(() -> slide.readRegion(0, 0, 0, 4, 4)).isInstanceOf(IllegalStateException.class);
    }
}
