package io.histoscale.staging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.histoscale.slide.Slide;
import io.histoscale.slide.Slides;
import io.histoscale.slide.camelyon.SlideLabel;
import io.histoscale.slide.tissue.PatchGrid;
import io.histoscale.slide.tissue.TissueMask;
import io.histoscale.slide.tissue.TissueOptions;
import io.histoscale.synth.SlideTruth;
import io.histoscale.synth.SyntheticCohort;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.operation.union.UnaryUnionOp;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A report of a small synthetic cohort, with heatmaps shaped like a model's: the tumours' cell shares blurred a
 * little, over the tissue only.
 */
@Tag("browser")
class StagingReportTest {
    @TempDir
    static Path dir;
    static Path out;
    static List<SlideResult> results = new ArrayList<>();
    static Map<String, SlideLabel> truthLabels = new HashMap<>();
    static StagingReport.Written written;
    static Path cohortDir;

    @BeforeAll
    static void stageCohort() {
        cohortDir = dir.resolve("cohort");
        SyntheticCohort cohort = SyntheticCohort.builder().optPatients(3).optSlidesPerPatient(3).optSlideSizeMm(3.8, 3.8)
                .optMpp(2).optSeed(0).optThreads(2).build();
        cohort.generate(cohortDir);
        LesionDetector detector = LesionDetector.builder().build();
        for (SyntheticCohort.Patient patient : cohort.patients()) {
            for (SyntheticCohort.Node node : patient.nodes()) {
                truthLabels.put(node.fileName(), node.label());
                try (Slide slide = Slides.open(cohortDir.resolve(node.fileName()))) {
                    int top = slide.levelCount() - 1;
                    BufferedImage thumbnail = slide.readRegion(top, 0, 0, (int) slide.width(top), (int) slide.height(top));
                    Heatmap heatmap = modelLike(node.slide().truth(), 64);
                    List<Lesion> lesions = detector.detect(heatmap);
                    results.add(new SlideResult(node.fileName(), heatmap,
                            HeatmapOverlay.render(thumbnail, slide.downsample(top), heatmap, lesions), lesions));
                }
            }
        }
        out = dir.resolve("report");
        written = StagingReport.builder().addSetting("model", "perfect, blurred").addSetting("threshold", "0.5")
                .optTruth(StageTable.read(cohortDir.resolve("stage_labels.csv"))).build().write(results, out);
    }

    /** Tumour share blurred by one cell, on top of a little background, over cells that are mostly tissue. */
    static Heatmap modelLike(SlideTruth truth, double cellUm) {
        Heatmap tumour = PerfectHeatmaps.of(truth, cellUm, 0).smoothed(0.7);
        Geometry tissue = UnaryUnionOp.union(truth.tissue().stream().map(PerfectHeatmaps::polygon).toList());
        float[] onTissue = Heatmap.coverage(tumour.geometry(), tissue).values(), values = tumour.values();
        for (int i = 0; i < values.length; i++) values[i] = onTissue[i] < 0.5 ? Float.NaN : 0.03f + 0.95f * values[i];
        return Heatmap.of(tumour.geometry(), values);
    }

    @Test
    void stagesCsvIsInCamelyonFormatWithEveryPatientAndSlide() {
        StageTable stages = StageTable.read(out.resolve("stages.csv"));
        assertThat(stages.patientRows()).containsOnlyKeys("patient_000", "patient_001", "patient_002");
        assertThat(stages.slideLabels()).hasSize(9);
        for (SlideResult r : results) assertThat(stages.slideLabels()).containsEntry(r.slideName(), r.label());
        assertThat(stages.patientRows()).isEqualTo(written.predicted().stages());
        assertThat(written.agreement()).isPresent();
        assertThat(written.agreement().get().stages().total()).isEqualTo(3);
    }

    @Test
    void eachSlideHasItsHeatmapLesionTableGeoJsonAndOverlay() throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (SlideResult r : results) {
            String stem = StagingReport.stem(r.slideName());
            Path slides = out.resolve("slides");
            assertThat(Heatmap.load(slides.resolve(stem + ".heatmap")).values()).isEqualTo(r.heatmap().values());
            List<String> rows = Files.readAllLines(slides.resolve(stem + ".lesions.csv"));
            assertThat(rows).hasSize(1 + r.lesions().size());
            assertThat(rows.get(0)).startsWith("lesion,diameter_mm,area_mm2,cells,");
            JsonNode geo = json.readTree(slides.resolve(stem + ".geojson").toFile());
            assertThat(geo.get("type").asText()).isEqualTo("FeatureCollection");
            assertThat(geo.get("features")).hasSize(r.lesions().size());
            for (JsonNode feature : geo.get("features")) {
                assertThat(feature.at("/geometry/type").asText()).isIn("Polygon", "MultiPolygon");
                assertThat(feature.at("/properties/objectType").asText()).isEqualTo("annotation");
                assertThat(feature.at("/properties/classification/name").asText()).isEqualTo("Tumor");
            }
            BufferedImage png = ImageIO.read(slides.resolve(stem + ".png").toFile());
            assertThat(png.getWidth()).isEqualTo(r.overlay().getWidth());
            assertThat(png.getHeight()).isGreaterThan(r.overlay().getHeight());
        }
        // Macro-metastases and negative slides are clear even on a blurred heatmap; ITCs vanish in the blur.
        for (SlideResult r : results) {
            SlideLabel truth = truthLabels.get(r.slideName());
            if (truth == SlideLabel.MACRO || truth == SlideLabel.NEGATIVE) assertThat(r.label()).as(r.slideName()).isEqualTo(truth);
        }
        assertThat(truthLabels).containsValues(SlideLabel.MACRO, SlideLabel.MICRO, SlideLabel.ITC, SlideLabel.NEGATIVE);
    }

    @Test
    void reportIsOneSelfContainedPageWithASectionPerPatient() throws IOException {
        String html = Files.readString(written.html());
        assertThat(html).contains("<section class=\"patient\" id=\"patient_000\">", "<section class=\"patient\" id=\"patient_001\">")
                .contains("Quadratic-weighted Cohen's κ").contains("Patient stages (rows truth").contains("patient_002_node_2.tif");
        assertThat(count(html, "src=\"data:image/jpeg;base64,")).isEqualTo(9);
        assertThat(count(html, "src=")).isEqualTo(9);
        assertThat(html).doesNotContain("http://", "https://", "<link", "<script", "@import", "url(");
    }

    /** How inference fills a heatmap: one cell per patch, centred on it, as wide as the stride. */
    @Test
    void heatmapCellsFollowAPatchGrid() {
        try (Slide slide = Slides.open(cohortDir.resolve("patient_000_node_0.tif"))) {
            PatchGrid grid = PatchGrid.builder(slide).setMpp(8).setPatchSize(32).optStride(16)
                    .optTissue(TissueMask.detect(slide, TissueOptions.defaults()), 0.5).build();
            HeatmapGeometry g = HeatmapGeometry.of(grid);
            assertThat(g.cellSize()).isEqualTo(64); // 16 px at 8 µm/px over a 2 µm/px slide
            assertThat(g.cellSizeUm()).isEqualTo(128);
            assertThat(g.columns()).isEqualTo(grid.columns());
            Heatmap heatmap = Heatmap.empty(g);
            for (PatchGrid.Cell p : grid.patches()) {
                assertThat(g.x(p.column()) + g.cellSize() / 2).isEqualTo(p.x() + p.size() / 2.0);
                assertThat(g.y(p.row()) + g.cellSize() / 2).isEqualTo(p.y() + p.size() / 2.0);
                heatmap.set(p.column(), p.row(), p.tissue());
            }
            assertThat(heatmap.validCount()).isEqualTo(grid.patches().size()).isGreaterThan(grid.columns() * grid.rows() / 3);
        }
    }

    /** Renders the page in headless Chromium when it is installed and checks the screenshot is not blank. */
    @Test
    void rendersInChromium() throws Exception {
        assumeTrue(onPath("chromium"), "chromium not installed");
        Path script = Path.of(getClass().getResource("/screenshot-report.sh").toURI());
        Path shot = Path.of("target", "report-screenshot.png").toAbsolutePath();
        Files.deleteIfExists(shot);
        Process p = new ProcessBuilder("bash", script.toString(), written.html().toString(), shot.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).isZero();
        BufferedImage image = ImageIO.read(shot.toFile());
        assertThat(image.getWidth()).isEqualTo(1200);
        long coloured = 0;
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                int rgb = image.getRGB(x, y), r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) coloured++;
            }
        }
        assertThat(coloured).as("coloured pixels (slides, badges) in the screenshot").isGreaterThan(2000);
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) return true;
        }
        return false;
    }

    private static int count(String text, String part) {
        Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }
}
