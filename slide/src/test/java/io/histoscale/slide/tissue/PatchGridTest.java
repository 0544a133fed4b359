package io.histoscale.slide.tissue;

import io.histoscale.core.UserException;
import io.histoscale.slide.Slide;
import io.histoscale.slide.Slides;
import io.histoscale.slide.annotation.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatchGridTest {
    /** 4096² at 0.25 µm/px with levels of downsample 1, 4, 16 (0.25, 1 and 4 µm/px). */
    private static final ImageSlide THREE_LEVELS = new ImageSlide("three-levels.svs", TissueMaskTest.glass(4096, 4096), 0.25, 1, 4, 16);

    @ParameterizedTest
    @CsvSource({
            // mpp, level, scale, read size, level-0 size, columns
            "0.5, 0, 2, 512, 512, 8",
            "1.0, 1, 1, 256, 1024, 4",
            "2.0, 1, 2, 512, 2048, 2",
            "4.0, 2, 1, 256, 4096, 1",
            "0.25, 0, 1, 256, 256, 16",
            "0.75, 0, 3, 768, 768, 5",
            "1.5, 1, 1.5, 384, 1536, 2"})
    void picksTheCoarsestLevelAtLeastAsFineAndTheScaleFromIt(double mpp, int level, double scale, int read, double size0, int columns) {
        PatchGrid grid = PatchGrid.builder(THREE_LEVELS).setMpp(mpp).setPatchSize(256).build();
        assertThat(grid.level()).isEqualTo(level);
        assertThat(grid.scale()).isEqualTo(scale);
        assertThat(grid.readSize()).isEqualTo(read);
        assertThat(grid.level0Size()).isEqualTo(size0);
        assertThat(grid.columns()).isEqualTo(columns);
        assertThat(grid.patches()).hasSize(columns * columns);
        PatchGrid.Cell last = grid.patches().get(grid.patches().size() - 1);
        assertThat(last.x() + last.size()).isLessThanOrEqualTo(4096); // patches lie wholly on the slide
        assertThat(last.tissue()).isNaN();
    }

    @Test
    void resolutionFinerThanLevelZeroIsAnErrorListingTheLevels() {
        assertThatThrownBy(() -> PatchGrid.builder(THREE_LEVELS).setMpp(0.1).setPatchSize(256).build())
                .isInstanceOf(UserException.class)
                .hasMessageContaining("three-levels.svs")
                .hasMessageContaining("0.1 µm/px")
                .hasMessageContaining("levels: 0.25, 1, 4 µm/px");
    }

    @Test
    void slideWithoutResolutionNeedsAnAssumedOne() {
        ImageSlide slide = new ImageSlide("plain.tif", TissueMaskTest.glass(1024, 1024), Double.NaN, 1, 4);
        assertThatThrownBy(() -> PatchGrid.builder(slide).setMpp(0.5).setPatchSize(256).build())
                .isInstanceOf(UserException.class)
                .hasMessageContaining("plain.tif").hasMessageStartingWith("assume_mpp ")
                .extracting(e -> ((UserException) e).key()).isEqualTo(Optional.of("assume_mpp"));
        PatchGrid grid = PatchGrid.builder(Slides.withAssumedMpp(slide, 0.25)).setMpp(1.0).setPatchSize(256).build();
        assertThat(grid.level()).isEqualTo(1);
        assertThat(grid.slideMpp()).isEqualTo(0.25);
    }

    @Test
    void levelWithinTheToleranceIsReadWithoutResampling() {
        ImageSlide slide = new ImageSlide("scanner.svs", TissueMaskTest.glass(2048, 2048), 0.499, 1, 4);
        PatchGrid grid = PatchGrid.builder(slide).setMpp(0.5).setPatchSize(256).build();
        assertThat(grid.level()).isZero();
        assertThat(grid.scale()).isEqualTo(1);
        assertThat(grid.readSize()).isEqualTo(256);
        assertThat(grid.level0Size()).isEqualTo(256);

        ImageSlide finer = new ImageSlide("finer.svs", TissueMaskTest.glass(2048, 2048), 0.51, 1, 4);
        assertThat(PatchGrid.builder(finer).setMpp(0.5).setPatchSize(256).build().scale()).isEqualTo(1);
    }

    @Test
    void strideOverlapsPatches() {
        PatchGrid grid = PatchGrid.builder(THREE_LEVELS).setMpp(0.5).setPatchSize(256).optStride(128).build();
        assertThat(grid.columns()).isEqualTo(15); // (4096 - 512) / 256 + 1
        assertThat(grid.patches().get(1).x()).isEqualTo(256);
    }

    @Test
    void keepsOnlyPatchesWithEnoughTissue() {
        BufferedImage image = TissueMaskTest.glass(4096, 4096);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(220, 150, 200));
        g.fillRect(1024, 1024, 1280, 1024); // patches of 512 level-0 px: 2.5 columns x 2 rows of tissue
        g.dispose();
        ImageSlide slide = new ImageSlide("square.svs", image, 0.25, 1, 4, 16);
        TissueMask mask = TissueMask.detect(slide, TissueOptions.defaults());

        PatchGrid grid = PatchGrid.builder(slide).setMpp(0.5).setPatchSize(256).optTissue(mask, 0.5).build();

        assertThat(grid.patches()).extracting(PatchGrid.Cell::column).containsExactly(2, 3, 4, 2, 3, 4);
        assertThat(grid.patches()).extracting(PatchGrid.Cell::row).containsExactly(2, 2, 2, 3, 3, 3);
        assertThat(grid.patches()).extracting(PatchGrid.Cell::tissue).containsExactly(1.0, 1.0, 0.5, 1.0, 1.0, 0.5);
        assertThat(PatchGrid.builder(slide).setMpp(0.5).setPatchSize(256).optTissue(mask, 0.6).build().patches()).hasSize(4);
    }

    @Test
    void overlayDrawsTissueAndPatchesInTheirColours() {
        BufferedImage image = TissueMaskTest.glass(4096, 4096);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(220, 150, 200));
        g.fillRect(1024, 1024, 2048, 2048);
        g.dispose();
        ImageSlide slide = new ImageSlide("overlay.svs", image, 0.25, 1, 4, 16);
        TissueMask mask = TissueMask.detect(slide, TissueOptions.defaults());
        List<PatchGrid.Cell> patches = PatchGrid.builder(slide).setMpp(1).setPatchSize(256).optTissue(mask, 1).build().patches();
        assertThat(patches).hasSize(4);

        BufferedImage overlay = GridOverlay.render(slide, mask, patches, List.of("tumor", "normal", "normal", "normal"));

        assertThat(overlay.getWidth()).isEqualTo(mask.width());
        // 32 level-0 px per mask px: the tumour patch spans mask px 32..63, its right neighbour 64..95.
        assertThat(overlay.getRGB(32, 50) & 0xffffff).isEqualTo(0xc80000);
        assertThat(overlay.getRGB(63, 50) & 0xffffff).isEqualTo(0xc80000);
        assertThat(overlay.getRGB(64, 80) & 0xffffff).isEqualTo(0x00a03c);
        assertThat(new Color(overlay.getRGB(5, 5))).satisfies(glass -> assertThat(Math.min(glass.getRed(),
                Math.min(glass.getGreen(), glass.getBlue()))).isGreaterThan(230)); // glass is left as it is
    }

    @Test
    void realSlideGridKeepsTissuePatches() {
        try (Slide slide = Slides.open(SharedData.file("slides/CMU-1-Small-Region.svs"))) {
            TissueMask mask = TissueMask.detect(slide, TissueOptions.defaults());
            assertThat(mask.tissueFraction()).isBetween(0.25, 0.45); // one strip of skin on a third of the glass
            PatchGrid grid = PatchGrid.builder(slide).setMpp(0.5).setPatchSize(256).optTissue(mask, 0.5).build();
            assertThat(grid.scale()).isEqualTo(1); // 0.499 µm/px is read as 0.5 µm/px
            assertThat(grid.columns() * grid.rows()).isEqualTo(8 * 11);
            assertThat(grid.patches()).hasSizeBetween(20, 40).allSatisfy(p -> assertThat(p.tissue()).isGreaterThanOrEqualTo(0.5));
        }
    }
}
