package io.histoscale.server.tiles;

import io.histoscale.slide.Slide;
import io.histoscale.slide.Slides;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeepZoomTest {

    @TempDir
    static Path dir;
    static Slide slide;

    @BeforeAll
    static void open() {
        slide = Slides.open(TestSlides.synthetic(dir));
    }

    @AfterAll
    static void close() {
        slide.close();
    }

    /** Worked out by hand from DeepZoomGenerator's rules: halve rounding up down to 1×1, tiles of 254. */
    @Test
    void levelsHalveRoundingUpDownToOnePixel() {
        DeepZoom zoom = new DeepZoom(new TestSlides.Gradient(1001, 777, 1, 4));
        long[][] expected = {{1, 1}, {2, 2}, {4, 4}, {8, 7}, {16, 13}, {32, 25}, {63, 49}, {126, 98}, {251, 195},
                {501, 389}, {1001, 777}};
        assertThat(zoom.levelCount()).isEqualTo(expected.length);
        for (int level = 0; level < expected.length; level++) {
            assertThat(zoom.levelDimensions(level))
                    .isEqualTo(new DeepZoom.Dimensions(expected[level][0], expected[level][1]));
        }
        assertThat(zoom.tileCount(10)).isEqualTo(new DeepZoom.TileCount(4, 4));
        assertThat(zoom.tileCount(9)).isEqualTo(new DeepZoom.TileCount(2, 2));
        assertThat(zoom.tileCount(8)).isEqualTo(new DeepZoom.TileCount(1, 1));
        assertThat(zoom.tileCount(0)).isEqualTo(new DeepZoom.TileCount(1, 1));
    }

    @Test
    void syntheticSlideGeometry() {
        DeepZoom zoom = new DeepZoom(slide);
        // 3000×2000: 12 halvings to 1×1
        assertThat(zoom.levelCount()).isEqualTo(13);
        assertThat(zoom.levelDimensions(12)).isEqualTo(new DeepZoom.Dimensions(3000, 2000));
        assertThat(zoom.levelDimensions(11)).isEqualTo(new DeepZoom.Dimensions(1500, 1000));
        assertThat(zoom.levelDimensions(8)).isEqualTo(new DeepZoom.Dimensions(188, 125));
        assertThat(zoom.tileCount(12)).isEqualTo(new DeepZoom.TileCount(12, 8));
        // levels 12 and 11 read slide level 0, levels at downsample 4 or more the 1/4 level
        assertThat(zoom.slideLevel(12)).isZero();
        assertThat(zoom.slideLevel(11)).isZero();
        assertThat(zoom.slideLevel(10)).isEqualTo(1);
        assertThat(zoom.slideLevel(0)).isEqualTo(slide.levelCount() - 1);
    }

    @Test
    void edgeTilesAreShorterAndInnerEdgesOverlap() throws IOException {
        DeepZoom zoom = new DeepZoom(slide);
        // columns: 12 of 254 over 3000 px, the last 3000 - 11*254 = 206 wide; rows: 8, the last 2000 - 7*254 = 222
        assertThat(zoom.tileDimensions(12, 0, 0)).isEqualTo(new DeepZoom.Dimensions(255, 255));
        assertThat(zoom.tileDimensions(12, 5, 3)).isEqualTo(new DeepZoom.Dimensions(256, 256));
        assertThat(zoom.tileDimensions(12, 11, 7)).isEqualTo(new DeepZoom.Dimensions(207, 223));
        assertThat(zoom.tileDimensions(12, 11, 0)).isEqualTo(new DeepZoom.Dimensions(207, 255));
        // a level of one tile has no overlap at all
        assertThat(zoom.tileDimensions(8, 0, 0)).isEqualTo(new DeepZoom.Dimensions(188, 125));
        for (int[] t : new int[][]{{12, 0, 0}, {12, 5, 3}, {12, 11, 7}, {11, 5, 3}, {8, 0, 0}, {0, 0, 0}}) {
            BufferedImage image = decode(zoom.tile(t[0], t[1], t[2]));
            DeepZoom.Dimensions d = zoom.tileDimensions(t[0], t[1], t[2]);
            assertThat(image.getWidth()).as("width of %s", List.of(t[0], t[1], t[2])).isEqualTo(d.width());
            assertThat(image.getHeight()).as("height of %s", List.of(t[0], t[1], t[2])).isEqualTo(d.height());
        }
    }

    @Test
    void overlapRepeatsTheNeighboursPixels() {
        DeepZoom zoom = new DeepZoom(slide);
        BufferedImage left = zoom.tileImage(12, 4, 3), right = zoom.tileImage(12, 5, 3);
        // left tile: x from 4*254-1; its last two columns are level x 1270 and 1271, the right tile's first two
        for (int y = 0; y < 256; y += 17) {
            assertThat(right.getRGB(0, y)).isEqualTo(left.getRGB(254, y));
            assertThat(right.getRGB(1, y)).isEqualTo(left.getRGB(255, y));
        }
    }

    @Test
    void tilesAreJpegWithTissueInTheMiddle() throws IOException {
        DeepZoom zoom = new DeepZoom(slide);
        byte[] jpeg = zoom.tile(12, 6, 4);
        assertThat(jpeg).startsWith(0xFF, 0xD8, 0xFF);
        BufferedImage image = decode(jpeg);
        double sum = 0, sumSquares = 0;
        int n = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int p = image.getRGB(x, y);
                double grey = ((p >> 16 & 255) + (p >> 8 & 255) + (p & 255)) / 3.0;
                sum += grey;
                sumSquares += grey * grey;
                n++;
            }
        }
        double mean = sum / n, sd = Math.sqrt(sumSquares / n - mean * mean);
        assertThat(mean).as("stained tissue is darker than glass").isLessThan(230);
        assertThat(sd).as("tissue has texture").isGreaterThan(5);
        // and the overview tile is not blank either
        BufferedImage overview = decode(zoom.tile(8, 0, 0));
        assertThat(overview.getRGB(94, 62) & 0xFFFFFF).isNotEqualTo(0xFFFFFF);
    }

    @Test
    void resizedTilesFollowTheSlide() {
        TestSlides.Gradient gradient = new TestSlides.Gradient(4000, 3000, 3, 4);
        DeepZoom zoom = new DeepZoom(gradient);
        int top = zoom.levelCount() - 1;
        // one level down reads slide level 0 at twice the size; two down reads level 1 as is
        for (int level : new int[]{top - 1, top - 2, top - 3, 0}) {
            BufferedImage tile = zoom.tileImage(level, 0, 0);
            DeepZoom.Dimensions d = zoom.tileDimensions(level, 0, 0);
            assertThat(tile.getWidth()).isEqualTo(d.width());
            int p = tile.getRGB(tile.getWidth() - 1, tile.getHeight() - 1);
            double downsample = Math.scalb(1.0, top - level);
            double expectedRed = Math.min(255, (tile.getWidth() - 0.5) * downsample * 255 / 4000);
            assertThat((double) (p >> 16 & 255)).as("red at level %d", level).isCloseTo(expectedRed,
                    org.assertj.core.data.Offset.offset(3.0 + 255 * downsample / 4000));
            assertThat(p & 255).isEqualTo(128);
        }
    }

    @Test
    void outOfRangeIsTileNotFound() {
        DeepZoom zoom = new DeepZoom(slide);
        assertThatThrownBy(() -> zoom.tile(-1, 0, 0)).isInstanceOf(TileNotFoundException.class);
        assertThatThrownBy(() -> zoom.tile(13, 0, 0)).isInstanceOf(TileNotFoundException.class)
                .hasMessageContaining("0..12");
        assertThatThrownBy(() -> zoom.tile(12, 12, 0)).isInstanceOf(TileNotFoundException.class);
        assertThatThrownBy(() -> zoom.tile(12, 0, 8)).isInstanceOf(TileNotFoundException.class);
        assertThatThrownBy(() -> zoom.tile(12, 0, -1)).isInstanceOf(TileNotFoundException.class);
        assertThatThrownBy(() -> zoom.levelDimensions(99)).isInstanceOf(TileNotFoundException.class);
        assertThatThrownBy(() -> zoom.tileCount(-3)).isInstanceOf(TileNotFoundException.class);
        assertThat(zoom.tile(12, 11, 7)).isNotEmpty();
    }

    @Test
    void concurrentReadsGiveTheSameBytesAsSequentialOnes() throws Exception {
        List<int[]> tiles = new ArrayList<>();
        DeepZoom sequential = new DeepZoom(slide);
        for (int level = 9; level <= 12; level++) {
            DeepZoom.TileCount n = sequential.tileCount(level);
            for (int c = 0; c < n.columns(); c++) {
                for (int r = 0; r < n.rows(); r++) tiles.add(new int[]{level, c, r});
            }
        }
        List<byte[]> expected = new ArrayList<>();
        for (int[] t : tiles) expected.add(sequential.tile(t[0], t[1], t[2]));

        DeepZoom shared = new DeepZoom(slide);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < tiles.size(); i++) order.add(i);
        order.addAll(List.copyOf(order)); // each tile twice, so some are made by two threads at once
        Collections.shuffle(order, new Random(5));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<byte[]>> got = new ArrayList<>();
            for (int i : order) {
                int[] t = tiles.get(i);
                got.add(pool.submit((Callable<byte[]>) () -> shared.tile(t[0], t[1], t[2])));
            }
            for (int k = 0; k < order.size(); k++) {
                assertThat(got.get(k).get()).as("tile %s", List.of(tiles.get(order.get(k))[0],
                        tiles.get(order.get(k))[1], tiles.get(order.get(k))[2])).isEqualTo(expected.get(order.get(k)));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void dziDescribesTheSlide() throws Exception {
        String xml = new DeepZoom(slide).dziXml();
        Element image = DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
        assertThat(image.getLocalName()).isEqualTo("Image");
        assertThat(image.getNamespaceURI()).isEqualTo("http://schemas.microsoft.com/deepzoom/2008");
        assertThat(image.getAttribute("TileSize")).isEqualTo("254");
        assertThat(image.getAttribute("Overlap")).isEqualTo("1");
        assertThat(image.getAttribute("Format")).isEqualTo("jpeg");
        Element size = (Element) image.getElementsByTagNameNS("*", "Size").item(0);
        assertThat(size.getAttribute("Width")).isEqualTo("3000");
        assertThat(size.getAttribute("Height")).isEqualTo("2000");
    }

    static BufferedImage decode(byte[] jpeg) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertThat(image).as("decodable JPEG").isNotNull();
        return image;
    }
}
