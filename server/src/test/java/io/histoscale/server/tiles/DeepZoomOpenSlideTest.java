package io.histoscale.server.tiles;

import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Json;
import io.histoscale.slide.Slide;
import io.histoscale.slide.Slides;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Our pyramid against OpenSlide's own DeepZoomGenerator (Debian's python3-openslide) on the same slide: the same
 * levels, tile counts, tile sizes everywhere, and nearly the same pixels. Skipped when python3-openslide is missing.
 */
@Tag("peer")
class DeepZoomOpenSlideTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    /** Geometry of every level and every tile, and a few tiles saved as PNG. */
    private static final String SCRIPT = """
            import json, sys
            import openslide
            from openslide.deepzoom import DeepZoomGenerator
            dz = DeepZoomGenerator(openslide.OpenSlide(sys.argv[1]), tile_size=254, overlap=1, limit_bounds=False)
            sizes = []
            for level in range(dz.level_count):
                cols, rows = dz.level_tiles[level]
                sizes.append([[list(dz.get_tile_dimensions(level, (c, r))) for r in range(rows)] for c in range(cols)])
            out = sys.argv[2]
            for level, c, r in [(12, 3, 2), (12, 11, 7), (11, 2, 1), (11, 5, 3), (10, 1, 1), (9, 1, 0), (6, 0, 0)]:
                dz.get_tile(level, (c, r)).save('%s/%d_%d_%d.png' % (out, level, c, r))
            print(json.dumps({'level_count': dz.level_count, 'level_dimensions': dz.level_dimensions,
                              'level_tiles': dz.level_tiles, 'tile_count': dz.tile_count, 'sizes': sizes}))
            """;

    @Test
    void sameGeometryAndPixelsAsDeepZoomGenerator() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON) && new ProcessBuilder(PYTHON.toString(), "-c",
                "import openslide.deepzoom").start().waitFor() == 0, "python3-openslide is not installed");
        Path file = TestSlides.synthetic(dir);
        Path pngs = Files.createDirectories(dir.resolve("tiles"));
        Path script = dir.resolve("dz.py");
        Files.writeString(script, SCRIPT);
        Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), file.toString(), pngs.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        JsonNode expected = Json.MAPPER.readTree(out.strip().lines().reduce((a, b) -> b).orElseThrow());

        try (Slide slide = Slides.open(file)) {
            DeepZoom zoom = new DeepZoom(slide);
            assertThat(zoom.levelCount()).isEqualTo(expected.get("level_count").asInt());
            assertThat(zoom.totalTiles()).isEqualTo(expected.get("tile_count").asLong());
            for (int level = 0; level < zoom.levelCount(); level++) {
                JsonNode dims = expected.get("level_dimensions").get(level), tiles = expected.get("level_tiles").get(level);
                assertThat(zoom.levelDimensions(level)).isEqualTo(new DeepZoom.Dimensions(dims.get(0).asLong(),
                        dims.get(1).asLong()));
                assertThat(zoom.tileCount(level)).isEqualTo(new DeepZoom.TileCount(tiles.get(0).asInt(),
                        tiles.get(1).asInt()));
                JsonNode sizes = expected.get("sizes").get(level);
                for (int c = 0; c < tiles.get(0).asInt(); c++) {
                    for (int r = 0; r < tiles.get(1).asInt(); r++) {
                        JsonNode size = sizes.get(c).get(r);
                        assertThat(zoom.tileDimensions(level, c, r)).as("tile %d/%d_%d", level, c, r)
                                .isEqualTo(new DeepZoom.Dimensions(size.get(0).asLong(), size.get(1).asLong()));
                    }
                }
            }

            int compared = 0;
            try (var files = Files.list(pngs)) {
                for (Path png : files.toList()) {
                    String[] parts = png.getFileName().toString().replace(".png", "").split("_");
                    int level = Integer.parseInt(parts[0]), c = Integer.parseInt(parts[1]), r = Integer.parseInt(parts[2]);
                    BufferedImage theirs = ImageIO.read(png.toFile()), ours = zoom.tileImage(level, c, r);
                    if (ours.getWidth() != theirs.getWidth() || ours.getHeight() != theirs.getHeight()) {
                        // Pillow's thumbnail() keeps the aspect ratio and may round a side of a resized tile one pixel
                        // off the size DeepZoomGenerator itself states; ours always has the stated size
                        assertThat(Math.abs(ours.getWidth() - theirs.getWidth())).isLessThanOrEqualTo(1);
                        assertThat(Math.abs(ours.getHeight() - theirs.getHeight())).isLessThanOrEqualTo(1);
                        continue;
                    }
                    // full resolution: the same pixels; below it, area averaging against Lanczos: close
                    double limit = level == zoom.levelCount() - 1 ? 0 : 4;
                    assertThat(meanAbsDifference(ours, theirs)).as("tile %d/%d_%d", level, c, r).isLessThanOrEqualTo(limit);
                    compared++;
                }
            }
            assertThat(compared).as("tiles compared pixel by pixel").isGreaterThanOrEqualTo(5);
        }
    }

    private static double meanAbsDifference(BufferedImage a, BufferedImage b) {
        double sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y), q = b.getRGB(x, y);
                sum += Math.abs((p >> 16 & 255) - (q >> 16 & 255)) + Math.abs((p >> 8 & 255) - (q >> 8 & 255))
                        + Math.abs((p & 255) - (q & 255));
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }
}
