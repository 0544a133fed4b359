package io.histoscale.synth;

import io.histoscale.core.UserException;
import io.histoscale.slide.camelyon.SlideLabel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.Rectangle;
import java.awt.geom.Area;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SyntheticSlideTest {
    @TempDir
    static Path dir;
    static Path tiff;
    static SlideTruth truth;

    /** 2.2 x 1.8 mm at 1 µm/px: two levels, 2200 x 1800 and 550 x 450. */
    @BeforeAll
    static void writeSlide() {
        SyntheticSlide slide = SyntheticSlide.builder().optSizeMm(2.2, 1.8).optMpp(1.0).optSeed(11)
                .addTumour(0.9).addTumour(0.15).build();
        tiff = dir.resolve("slide.tif");
        slide.writeTiff(tiff);
        slide.writeAnnotations(dir.resolve("slide.xml"));
        slide.writeTruth(dir.resolve("slide.json"));
        truth = SlideTruth.read(dir.resolve("slide.json"));
    }

    @Test
    void openSlideOpensItAsAperioWithTheAskedMppAndLevels() throws Exception {
        Map<String, String> properties = OpenSlideTool.properties(tiff);
        assertThat(properties).containsEntry("openslide.vendor", "aperio")
                .containsEntry("openslide.level-count", "2")
                .containsEntry("openslide.level[0].width", "2200").containsEntry("openslide.level[0].height", "1800")
                .containsEntry("openslide.level[1].width", "550").containsEntry("openslide.level[1].height", "450")
                .containsEntry("openslide.level[1].downsample", "4")
                .containsEntry("openslide.level[0].tile-width", "256");
        assertThat(Double.parseDouble(properties.get("openslide.mpp-x"))).isEqualTo(1.0);
        assertThat(Double.parseDouble(properties.get("openslide.mpp-y"))).isEqualTo(1.0);
    }

    @Test
    void aSlideWrittenWithoutMppRecordsNoResolution() throws Exception {
        Path bare = dir.resolve("bare.tif");
        SyntheticSlide.builder().optSizeMm(1, 1).optMpp(2.0).optSeed(3).build().writeTiffWithoutMpp(bare);
        assertThat(OpenSlideTool.properties(bare)).containsEntry("openslide.vendor", "aperio")
                .doesNotContainKey("openslide.mpp-x").doesNotContainKey("aperio.MPP");
        try (io.histoscale.slide.Slide slide = io.histoscale.slide.Slides.open(bare)) {
            assertThat(slide.mpp()).isEmpty();
            assertThat(slide.width(0)).isEqualTo(500);
        }
    }

    @Test
    void openSlideReadsTheSamePixelsAsImageIo() throws Exception {
        Path png = dir.resolve("region.png");
        OpenSlideTool.writePng(tiff, 700, 600, 0, 300, 200, png);
        BufferedImage viaOpenSlide = ImageIO.read(png.toFile()), viaImageIo = region(tiff, 0, new Rectangle(700, 600, 300, 200));
        double difference = 0;
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 300; x++) {
                int a = viaOpenSlide.getRGB(x, y), b = viaImageIo.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) difference += Math.abs((a >> shift & 0xFF) - (b >> shift & 0xFF));
            }
        }
        assertThat(difference / (300 * 200 * 3)).isLessThan(1.5);
    }

    @Test
    void writesLittleEndianTiffWithOnePagePerLevel() throws Exception {
        byte[] header = new byte[4];
        try (var in = Files.newInputStream(tiff)) {
            assertThat(in.read(header)).isEqualTo(4);
        }
        assertThat(header).containsExactly('I', 'I', 42, 0);
        try (ImageInputStream in = ImageIO.createImageInputStream(tiff.toFile())) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);
            assertThat(reader.getNumImages(true)).isEqualTo(2);
            assertThat(List.of(reader.getWidth(0), reader.getHeight(0), reader.getWidth(1), reader.getHeight(1)))
                    .containsExactly(2200, 1800, 550, 450);
            assertThat(reader.isImageTiled(0)).isTrue();
            assertThat(reader.getTileWidth(0)).isEqualTo(256);
            reader.dispose();
        }
    }

    @Test
    void levelsShrinkByFourUntilOneFitsIn1024Pixels() {
        List<int[]> sizes = SyntheticSlide.builder().optSizeMm(20, 5).optMpp(1).build().levelSizes();
        assertThat(sizes).extracting(s -> s[0] + "x" + s[1]).containsExactly("20000x5000", "5000x1250", "1250x313", "313x79");
    }

    @Test
    void truthHasTheAskedTumoursAndLabel() {
        assertThat(truth.widthPx()).isEqualTo(2200);
        assertThat(truth.heightPx()).isEqualTo(1800);
        assertThat(truth.mpp()).isEqualTo(1.0);
        assertThat(truth.label()).isEqualTo(SlideLabel.MICRO);
        assertThat(truth.lesions()).extracting(PlantedLesion::diameterMm).satisfiesExactly(
                d -> assertThat(d).isCloseTo(0.9, within(0.009)), d -> assertThat(d).isCloseTo(0.15, within(0.0015)));
    }

    @Test
    void tumourDiametersMatchTheAskedOnesWithinOnePercent() {
        double[][] cases = {{0.05, 0.25}, {0.15, 0.5}, {1.2, 1.0}, {3.9, 2.0}, {0.3, 4.0}};
        for (double[] c : cases) {
            double asked = c[0], mpp = c[1];
            SlideTruth t = SyntheticSlide.builder().optSizeMm(6.25, 6.25).optMpp(mpp).optSeed(3).addTumour(asked)
                    .addTumour(0.06).build().truth();
            PlantedLesion lesion = t.lesions().get(0);
            assertThat(lesion.diameterPx() * mpp / 1000).as("%s mm at %s µm/px", asked, mpp).isCloseTo(asked, within(asked / 100));
            assertThat(lesion.diameterMm()).isCloseTo(asked, within(asked / 100));
            assertThat(t.label()).isEqualTo(SlideLabel.ofLargestLesionMm(asked));
        }
    }

    @Test
    void tumoursLieInsideTissueAndApart() {
        Area tissue = new Area();
        truth.tissue().forEach(piece -> tissue.add(new Area(path(piece))));
        List<Area> tumours = truth.lesions().stream().map(l -> new Area(path(l.polygon()))).toList();
        for (Area tumour : tumours) {
            Area outside = new Area(tumour);
            outside.subtract(tissue);
            assertThat(outside.isEmpty()).isTrue();
        }
        Area overlap = new Area(tumours.get(0));
        overlap.intersect(tumours.get(1));
        assertThat(overlap.isEmpty()).isTrue();
    }

    @Test
    void annotationXmlHoldsTheTumourPolygonsInAsapFormat() throws IOException {
        String xml = Files.readString(dir.resolve("slide.xml"));
        assertThat(xml).startsWith("<?xml").contains("<ASAP_Annotations>")
                .contains("<Annotation Name=\"Annotation 0\" Type=\"Polygon\" PartOfGroup=\"Tumor\" Color=\"#F4FA58\">")
                .contains("<Annotation Name=\"Annotation 1\"")
                .contains("<Group Name=\"Tumor\" PartOfGroup=\"None\" Color=\"#FF0000\">");
        double[] first = truth.lesions().get(0).polygon()[0];
        assertThat(xml).contains("<Coordinate Order=\"0\" X=\"" + BigDecimal.valueOf(first[0]).toPlainString()
                + "\" Y=\"" + BigDecimal.valueOf(first[1]).toPlainString() + "\"/>");
        long coordinates = xml.lines().filter(l -> l.contains("<Coordinate ")).count();
        assertThat(coordinates).isEqualTo(truth.lesions().stream().mapToInt(l -> l.polygon().length).sum());
    }

    @Test
    void negativeSlideGetsAnEmptyAnnotationFile() throws IOException {
        SyntheticSlide slide = SyntheticSlide.builder().optSizeMm(1, 1).optMpp(2).build();
        Path xml = dir.resolve("negative.xml");
        slide.writeAnnotations(xml);
        assertThat(Files.readString(xml)).contains("<Annotations>").doesNotContain("<Annotation ").contains("<AnnotationGroups>");
        assertThat(slide.truth().label()).isEqualTo(SlideLabel.NEGATIVE);
    }

    @Test
    void tumourIsDarkerThanNormalTissueAndGlassIsWhite() throws IOException {
        double[] centre = centre(truth.lesions().get(0).polygon());
        double tumour = haematoxylinDarkness(region(tiff, 0, new Rectangle((int) centre[0] - 32, (int) centre[1] - 32, 64, 64)));
        Area tumours = new Area();
        truth.lesions().forEach(l -> tumours.add(new Area(path(l.polygon()))));
        Path2D tissue = path(truth.tissue().get(0));
        double[] tissueCentre = centre(truth.tissue().get(0));
        double normal = -1;
        for (int dy = -600; dy <= 600 && normal < 0; dy += 50) {
            for (int dx = -600; dx <= 600 && normal < 0; dx += 50) {
                Rectangle patch = new Rectangle((int) tissueCentre[0] + dx - 32, (int) tissueCentre[1] + dy - 32, 64, 64);
                if (tissue.contains(patch) && !tumours.intersects(patch.x - 20, patch.y - 20, 104, 104)) {
                    normal = haematoxylinDarkness(region(tiff, 0, patch));
                }
            }
        }
        assertThat(normal).as("a normal tissue patch was found").isPositive();
        assertThat(tumour).isGreaterThan(normal * 1.5);
        BufferedImage glass = region(tiff, 0, new Rectangle(0, 0, 16, 16));
        for (int shift = 0; shift <= 16; shift += 8) assertThat(glass.getRGB(8, 8) >> shift & 0xFF).isGreaterThanOrEqualTo(230);
    }

    @Test
    void sameSeedGivesTheSameBytesAndAnotherSeedDifferentOnes() throws IOException {
        Path a = write(5, "a"), b = write(5, "b"), c = write(6, "c");
        assertThat(Files.mismatch(a, b)).isEqualTo(-1);
        assertThat(Files.mismatch(a.resolveSibling("a.json"), b.resolveSibling("b.json"))).isEqualTo(-1);
        assertThat(Files.mismatch(a, c)).isNotEqualTo(-1);
    }

    @Test
    void badSettingsAreRejectedWithAClearMessage() {
        assertThatThrownBy(() -> SyntheticSlide.builder().optMpp(0).build())
                .isInstanceOf(UserException.class).hasMessageContaining("MPP");
        assertThatThrownBy(() -> SyntheticSlide.builder().optSizeMm(0.1, 3).build())
                .isInstanceOf(UserException.class).hasMessageContaining("too small");
        assertThatThrownBy(() -> SyntheticSlide.builder().optSizeMm(3, 3).addTumour(2.9).build())
                .isInstanceOf(UserException.class).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> SyntheticSlide.builder().optMpp(2).addTumour(0.001).build())
                .isInstanceOf(UserException.class).hasMessageContaining("at least 4 pixels");
    }

    private static Path write(long seed, String name) {
        SyntheticSlide slide = SyntheticSlide.builder().optSizeMm(1.2, 1.2).optMpp(2).optSeed(seed).addTumour(0.4).build();
        Path file = dir.resolve(name + ".tif");
        slide.writeTiff(file);
        slide.writeTruth(dir.resolve(name + ".json"));
        return file;
    }

    /** Red-channel optical density: haematoxylin absorbs red strongly, eosin hardly. */
    private static double haematoxylinDarkness(BufferedImage image) {
        double sum = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                sum += -Math.log(Math.max(1, image.getRGB(x, y) >> 16 & 0xFF) / 255.0);
            }
        }
        return sum / (image.getWidth() * image.getHeight());
    }

    static BufferedImage region(Path tiff, int level, Rectangle rect) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(tiff.toFile())) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            try {
                reader.setInput(in);
                ImageReadParam param = reader.getDefaultReadParam();
                param.setSourceRegion(rect);
                return reader.read(level, param);
            } finally {
                reader.dispose();
            }
        }
    }

    private static Path2D path(double[][] polygon) {
        Path2D.Double path = new Path2D.Double();
        path.moveTo(polygon[0][0], polygon[0][1]);
        for (double[] v : polygon) path.lineTo(v[0], v[1]);
        path.closePath();
        return path;
    }

    private static double[] centre(double[][] polygon) {
        double x = 0, y = 0;
        for (double[] v : polygon) {
            x += v[0];
            y += v[1];
        }
        return new double[]{x / polygon.length, y / polygon.length};
    }
}
