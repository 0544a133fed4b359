package io.histoscale.slide.tiff;

import io.histoscale.core.UserException;
import io.histoscale.slide.Slide;
import io.histoscale.slide.Slides;
import io.histoscale.slide.UnsupportedSlideException;
import io.histoscale.slide.openslide.OpenSlideSlide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static io.histoscale.slide.SlideTestData.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TiffSlideTest {

    @TempDir
    Path temp;

    @Test
    void aperioPixelsAreOpenSlidesIncludingTileSeamsAndEdges() {
        assumeOpenSlide();
        Path file = sharedSlide(CMU_1);
        try (Slide tiff = TiffSlide.open(file); Slide openSlide = OpenSlideSlide.open(file)) {
            // 240-pixel tiles: regions across seams, on the right and bottom edges, and partly outside the image.
            long[][] regions = {
                    {0, 0, 2220, 2967}, {0, 0, 256, 256}, {230, 230, 20, 20}, {479, 719, 3, 2}, {1000, 1200, 512, 300},
                    {2100, 2900, 256, 256}, {2219, 2966, 1, 1}, {-5, -7, 50, 40}, {2200, -30, 100, 100},
                    {5000, 5000, 16, 16}};
            for (long[] r : regions) {
                assertSamePixels(tiff, openSlide, 0, r[0], r[1], (int) r[2], (int) r[3]);
            }
        }
    }

    @Test
    void genericTiffPyramidMatchesOpenSlideOnEveryLevel() {
        assumeOpenSlide();
        Path file = sharedSlide(BOXES);
        try (Slide tiff = TiffSlide.open(file); Slide openSlide = OpenSlideSlide.open(file)) {
            assertThat(tiff.format()).isEqualTo("generic-tiff");
            assertThat(tiff.levelCount()).isEqualTo(openSlide.levelCount()).isEqualTo(4);
            for (int level = 0; level < tiff.levelCount(); level++) {
                assertThat(tiff.width(level)).isEqualTo(openSlide.width(level));
                assertThat(tiff.height(level)).isEqualTo(openSlide.height(level));
                assertThat(tiff.downsample(level)).isEqualTo(openSlide.downsample(level));
                assertSamePixels(tiff, openSlide, level, 0, 0, (int) tiff.width(level), (int) tiff.height(level));
            }
            // Deflate tiles of 64 pixels, with offsets that are whole pixels of the level.
            assertSamePixels(tiff, openSlide, 0, 10, 70, 100, 100);
            assertSamePixels(tiff, openSlide, 0, 250, 200, 100, 100);
            assertSamePixels(tiff, openSlide, 1, 60, 126, 70, 40);
        }
    }

    @Test
    void tinyAperioSlideMatchesOpenSlide() {
        assumeOpenSlide();
        Path file = sharedSlide(SMALL_SVS);
        try (Slide tiff = TiffSlide.open(file); Slide openSlide = OpenSlideSlide.open(file)) {
            assertSamePixels(tiff, openSlide, 0, 0, 0, 16, 16);
            assertSamePixels(tiff, openSlide, 0, 8, -4, 20, 20);
            assertThat(tiff.associatedImageNames()).isEqualTo(openSlide.associatedImageNames());
        }
    }

    @Test
    void propertiesAreOpenSlidesApartFromItsHash() {
        assumeOpenSlide();
        for (String name : new String[] {CMU_1, BOXES, SMALL_SVS}) {
            Path file = sharedSlide(name);
            try (Slide tiff = TiffSlide.open(file); Slide openSlide = OpenSlideSlide.open(file)) {
                Map<String, String> expected = new HashMap<>(openSlide.properties());
                expected.remove("openslide.quickhash-1");
                assertThat(tiff.properties()).as(name).isEqualTo(expected);
                assertThat(tiff.mppX()).isEqualTo(openSlide.mppX());
                assertThat(tiff.objectivePower()).isEqualTo(openSlide.objectivePower());
            }
        }
    }

    @Test
    void aperioMetadataAndAssociatedImages() {
        Path file = sharedSlide(CMU_1);
        try (Slide slide = TiffSlide.open(file)) {
            assertThat(slide.backend().name()).isEqualTo("tiff");
            assertThat(slide.format()).isEqualTo("aperio");
            assertThat(slide.width(0)).isEqualTo(2220);
            assertThat(slide.height(0)).isEqualTo(2967);
            assertThat(slide.mppX().getAsDouble()).isEqualTo(0.499);
            assertThat(slide.mppY().getAsDouble()).isEqualTo(0.499);
            assertThat(slide.objectivePower().getAsDouble()).isEqualTo(20);
            assertThat(slide.associatedImageNames()).containsExactly("thumbnail", "label", "macro");
            BufferedImage label = slide.associatedImage("label");
            assertThat(label.getWidth()).isEqualTo(387);
            assertThat(label.getHeight()).isEqualTo(463);
        }
    }

    @Test
    void associatedImagesAreOpenSlides() {
        assumeOpenSlide();
        Path file = sharedSlide(CMU_1);
        try (Slide tiff = TiffSlide.open(file); Slide openSlide = OpenSlideSlide.open(file)) {
            for (String name : openSlide.associatedImageNames()) {
                assertSameRgb(tiff.associatedImage(name), openSlide.associatedImage(name), name);
            }
        }
    }

    @Test
    void readsHistoScalesOwnPyramidsAsOpenSlideDoes() throws IOException {
        Path file = writePyramid(temp.resolve("synthetic.tiff"), ByteOrder.LITTLE_ENDIAN);
        try (Slide tiff = TiffSlide.open(file)) {
            assertThat(tiff.format()).isEqualTo("aperio");
            assertThat(tiff.levelCount()).isEqualTo(2);
            assertThat(tiff.downsample(1)).isEqualTo(2.0);
            assertThat(tiff.mppX().getAsDouble()).isEqualTo(0.5);
            assertThat(tiff.objectivePower().getAsDouble()).isEqualTo(20);

            assumeOpenSlide();
            try (Slide openSlide = OpenSlideSlide.open(file)) {
                assertThat(openSlide.mppX()).isEqualTo(tiff.mppX());
                assertSamePixels(tiff, openSlide, 0, 0, 0, 600, 500);
                assertSamePixels(tiff, openSlide, 1, 0, 0, 300, 250);
                assertSamePixels(tiff, openSlide, 0, 100, 90, 300, 200);
                assertSamePixels(tiff, openSlide, 1, 250, 250, 256, 256);
            }
        }
    }

    @Test
    void aDirectoryClaimingThousandsOfSamplesPerPixelIsRefusedBeforeAnyDecoding() throws IOException {
        // SamplesPerPixel 3 as a big-endian SHORT, read back as a LONG: 196,608 samples; a 64x64 read took 805 MiB.
        Path file = damaged("samples.tif", ByteOrder.BIG_ENDIAN, 0, 277, 4, 1, 3 << 16);
        assertThatThrownBy(() -> TiffSlide.open(file))
                .isInstanceOf(UserException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("196608 samples per pixel");
    }

    @Test
    void tilesLargerThanAnyScannerWritesAreRefusedBeforeAnyDecoding() throws IOException {
        Path file = damaged("tiles.tif", ByteOrder.LITTLE_ENDIAN, 1, 322, 4, 1, 1 << 20);
        assertThatThrownBy(() -> TiffSlide.open(file))
                .isInstanceOf(UserException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("tiles of 1048576x128");
    }

    private Path damaged(String name, ByteOrder order, int ifd, int tag, int type, int count, int value)
            throws IOException {
        Path file = writePyramid(temp.resolve(name), order);
        return Files.write(file, TiffSlideFuzzTest.setEntry(Files.readAllBytes(file), ifd, tag, type, count, value));
    }

    @Test
    void ndpiNeedsOpenSlide() {
        Path file = sharedSlide(NDPI);
        assertThatThrownBy(() -> TiffSlide.open(file))
                .isInstanceOf(UnsupportedSlideException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("NDPI");
        // Which other reader to use is the registry's to say: it knows whether OpenSlide is here.
        assertThatThrownBy(() -> Slides.open(file, "tiff"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("NDPI")
                .hasMessageContaining(OpenSlideSlide.isAvailable() ? "Backend openslide recognises the file"
                        : "libopenslide0");
    }

    @Test
    void readsAfterCloseFail() {
        Path file = sharedSlide(SMALL_SVS);
        Slide slide = TiffSlide.open(file);
        slide.close();
        assertThatThrownBy(() -> slide.readRegion(0, 0, 0, 4, 4)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void formatsDoublesAsOpenSlide() {
        assertThat(TiffLayout.formatDouble(1)).isEqualTo("1");
        assertThat(TiffLayout.formatDouble(0.499)).isEqualTo("0.499");
        assertThat(TiffLayout.formatDouble(300.0 / 75 / 2 + 250.0 / 62 / 2)).isEqualTo("4.0161290322580641");
        assertThat(TiffLayout.formatDouble(14861707.0 / 524288)).isEqualTo("28.346456527709961");
    }

    static void assertSamePixels(Slide ours, Slide reference, int level, long x, long y, int w, int h) {
        BufferedImage actual = ours.readRegion(level, x, y, w, h);
        BufferedImage expected = reference.readRegion(level, x, y, w, h);
        assertThat(actual.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertSameRgb(actual, expected, "level " + level + " region " + w + "x" + h + " at (" + x + ", " + y + ")");
    }
}
