package io.histoscale.server.bench;

import io.histoscale.server.tiles.DeepZoom;
import io.histoscale.slide.Slide;
import io.histoscale.slide.SlideBackend;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TilesBenchTest {

    /** Geometry only: 20000×15000 in levels of 4, as the default benchmark slide. */
    static final Slide SLIDE = new Slide() {
        public Path path() { return Path.of("/geometry"); }
        public String format() { return "test"; }
        public SlideBackend backend() { return new SlideBackend("test"); }
        public int levelCount() { return 4; }
        public long width(int level) { return (long) Math.ceil(20000 / downsample(level)); }
        public long height(int level) { return (long) Math.ceil(15000 / downsample(level)); }
        public double downsample(int level) { return Math.pow(4, level); }
        public OptionalDouble mppX() { return OptionalDouble.empty(); }
        public OptionalDouble mppY() { return OptionalDouble.empty(); }
        public OptionalDouble objectivePower() { return OptionalDouble.empty(); }
        public Map<String, String> properties() { return Map.of(); }
        public Set<String> associatedImageNames() { return Set.of(); }
        public BufferedImage associatedImage(String name) { throw new UnsupportedOperationException(); }
        public BufferedImage readRegion(int level, long x, long y, int w, int h) { throw new UnsupportedOperationException(); }
        public void close() { }
    };

    @Test
    void randomListIsDistinctInRangeSpreadAndRepeatable() {
        DeepZoom zoom = new DeepZoom(SLIDE);
        List<int[]> tiles = TilesBench.tileList(zoom, 600, 7);
        assertThat(tiles).hasSize(600);
        check(zoom, tiles);
        assertThat(tiles.stream().mapToInt(t -> t[0]).distinct().count()).isEqualTo(6);
        assertThat(TilesBench.tileList(zoom, 600, 7)).usingElementComparator(TilesBenchTest::compare)
                .containsExactlyElementsOf(tiles);
    }

    @Test
    void viewerListIsWholeScreensOfDistinctTiles() {
        DeepZoom zoom = new DeepZoom(SLIDE);
        List<int[]> tiles = TilesBench.viewerList(zoom, 400, 3);
        assertThat(tiles).hasSize(400);
        check(zoom, tiles);
        // the first screen: up to 8 × 5 neighbouring tiles of one level (fewer on a level smaller than a screen)
        DeepZoom.TileCount n = zoom.tileCount(tiles.get(0)[0]);
        int columns = Math.min(TilesBench.SCREEN_COLUMNS, n.columns()), rows = Math.min(TilesBench.SCREEN_ROWS, n.rows());
        List<int[]> screen = tiles.subList(0, columns * rows);
        assertThat(screen).allMatch(t -> t[0] == tiles.get(0)[0]);
        assertThat(screen.stream().mapToInt(t -> t[1]).distinct().count()).isEqualTo(columns);
        assertThat(screen.stream().mapToInt(t -> t[2]).distinct().count()).isEqualTo(rows);
    }

    @Test
    void percentile() {
        double[] v = new double[100];
        for (int i = 0; i < 100; i++) v[i] = 100 - i;
        assertThat(TilesBench.percentile(v, 0.95)).isEqualTo(95);
        assertThat(TilesBench.percentile(new double[]{3}, 0.95)).isEqualTo(3);
    }

    private static void check(DeepZoom zoom, List<int[]> tiles) {
        Set<List<Integer>> seen = new HashSet<>();
        for (int[] t : tiles) {
            DeepZoom.TileCount n = zoom.tileCount(t[0]);
            assertThat(t[1]).isBetween(0, n.columns() - 1);
            assertThat(t[2]).isBetween(0, n.rows() - 1);
            assertThat(seen.add(List.of(t[0], t[1], t[2]))).as("distinct").isTrue();
        }
    }

    private static int compare(int[] a, int[] b) {
        return java.util.Arrays.compare(a, b);
    }
}
