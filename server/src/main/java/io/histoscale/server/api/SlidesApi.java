package io.histoscale.server.api;

import io.histoscale.core.UserException;
import io.histoscale.dataset.tile.SlideFiles;
import io.histoscale.dataset.tile.TileRequest;
import io.histoscale.registry.Run;
import io.histoscale.registry.RunFilter;
import io.histoscale.registry.RunQueries;
import io.histoscale.registry.RunStatus;
import io.histoscale.server.SlideLibrary;
import io.histoscale.server.tiles.TileService;
import io.histoscale.slide.Slide;
import io.histoscale.slide.SlideInfo;
import io.histoscale.slide.annotation.AnnotationRegion;
import io.histoscale.slide.annotation.Annotations;
import io.histoscale.slide.annotation.SlideAnnotations;
import io.histoscale.slide.tissue.TissueMask;
import io.histoscale.slide.tissue.TissueOptions;
import io.histoscale.staging.Heatmap;
import io.histoscale.staging.HeatmapGeometry;
import io.histoscale.staging.HeatmapOverlay;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Polygon;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/v1/slides}: the slides under the configured folders, one slide's description, and its overlays in
 * level-0 pixel coordinates: tissue mask, patch grid, tumour heatmap and lesions (from the newest staging of that
 * slide, or the staging run named with {@code ?stage=}), and annotations found beside it. A slide that fails to open
 * answers 422 with the reader's message; the rest of the app is unaffected.
 */
public final class SlidesApi {

    /** Annotation files looked for, relative to the slide: STEM is the slide's file name without extension. */
    private static final List<String> ANNOTATION_CANDIDATES = List.of("annotations/STEM.xml", "annotations/STEM.geojson",
            "annotations/STEM.json", "STEM.xml", "STEM.geojson", "STEM.json");

    private final SlideLibrary library;
    /** The slides the tiles are read from, kept open: descriptions and masks read the same open slides. */
    private final TileService tiles;
    private final RunQueries queries;
    private final RunsApi.Audit audit;
    private final Map<String, byte[]> tissueCache = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > 64;
        }
    });

    public SlidesApi(SlideLibrary library, TileService tiles, RunQueries queries, RunsApi.Audit audit) {
        this.library = library;
        this.tiles = tiles;
        this.queries = queries;
        this.audit = audit;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/api/v1/slides", ctx -> ctx.json(Map.of("folders",
                library.roots().stream().map(Path::toString).toList(), "slides", library.list().stream()
                        .map(e -> Map.of("id", e.id(), "folder", e.root(), "path", e.relative(), "name", e.name(),
                                "bytes", e.bytes())).toList())));
        config.routes.get("/api/v1/slides/{id}", this::info);
        config.routes.get("/api/v1/slides/{id}/overlays", ctx -> ctx.json(overlays(ctx)));
        config.routes.get("/api/v1/slides/{id}/overlays/tissue.png", this::tissue);
        config.routes.get("/api/v1/slides/{id}/overlays/heatmap.png", this::heatmap);
    }

    private void info(Context ctx) {
        String id = ctx.pathParam("id");
        Path path = library.resolve(id);
        SlideLibrary.Entry e = library.entry(id);
        audit.record(ctx, "open slide", e.relative(), "ok");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("name", e.name());
        m.put("path", e.relative());
        try {
            tiles.withDeepZoom(path, dz -> describe(dz.slide(), m));
            ctx.json(m);
        } catch (UserException | UncheckedIOException | IllegalArgumentException e2) {
            m.put("error", "cannot open " + e.name() + ": " + e2.getMessage());
            ctx.status(422).json(m);
        }
    }


    /** A slide's dimensions, resolution and levels, added to {@code m}. */
    private static Map<String, Object> describe(Slide slide, Map<String, Object> m) {
        SlideInfo info = SlideInfo.of(slide);
        m.put("width", info.width());
        m.put("height", info.height());
        m.put("mpp", info.mpp());
        m.put("format", slide.format());
        m.put("backend", slide.backend().toString());
        List<Map<String, Object>> levels = new ArrayList<>();
        for (int l = 0; l < slide.levelCount(); l++) {
            levels.add(Map.of("width", slide.width(l), "height", slide.height(l), "downsample", slide.downsample(l)));
        }
        m.put("levels", levels);
        m.put("objectivePower", slide.objectivePower().isPresent() ? slide.objectivePower().getAsDouble() : null);
        return m;
    }

    /** What can be drawn over this slide and where. */
    private Map<String, Object> overlays(Context ctx) {
        Path path = library.resolve(ctx.pathParam("id"));
        Map<String, Object> out = new LinkedHashMap<>();
        String stem = SlideFiles.stem(path);
        double slideMpp;
        long width, height;
        try {
            double[] size = tiles.withDeepZoom(path, dz -> new double[]{dz.slide().mpp().orElse(Double.NaN),
                    dz.slide().width(0), dz.slide().height(0)});
            slideMpp = size[0];
            width = (long) size[1];
            height = (long) size[2];
        } catch (UserException | UncheckedIOException e) {
            throw new io.javalin.http.UnprocessableContentResponse("cannot open " + path.getFileName() + ": " + e.getMessage());
        }
        out.put("width", width);
        out.put("height", height);
        out.put("mpp", Double.isNaN(slideMpp) ? null : slideMpp);
        out.put("tissue", Map.of("url", "overlays/tissue.png", "x", 0, "y", 0, "width", width, "height", height));

        Optional<StagedSlide> staged = staging(ctx.queryParam("stage"), path, stem);
        double patchSide = Double.isNaN(slideMpp) ? TileRequest.DEFAULT_SIZE
                : TileRequest.DEFAULT_SIZE * TileRequest.DEFAULT_MPP / slideMpp;
        double gridX = 0, gridY = 0;
        if (staged.isPresent()) {
            StagedSlide s = staged.get();
            HeatmapGeometry g = Heatmap.load(s.heatmap()).geometry();
            patchSide = g.cellSize();
            gridX = g.originX();
            gridY = g.originY();
            Map<String, Object> heat = new LinkedHashMap<>();
            heat.put("stage", s.run());
            heat.put("url", "overlays/heatmap.png?stage=" + s.run());
            heat.put("x", g.originX());
            heat.put("y", g.originY());
            heat.put("width", g.columns() * g.cellSize());
            heat.put("height", g.rows() * g.cellSize());
            out.put("heatmap", heat);
            out.put("lesions", lesions(s.lesions()));
            out.put("stage", s.run());
        }
        out.put("grid", Map.of("x", gridX, "y", gridY, "side", patchSide));
        out.put("annotations", annotations(path, stem));
        return out;
    }

    private void tissue(Context ctx) throws IOException {
        Path path = library.resolve(ctx.pathParam("id"));
        byte[] png = tissueCache.get(path.toString());
        if (png == null) {
            try {
                TissueMask mask = tiles.withDeepZoom(path, dz -> TissueMask.detect(dz.slide(), TissueOptions.defaults()));
                BufferedImage rgba = new BufferedImage(mask.width(), mask.height(), BufferedImage.TYPE_INT_ARGB);
                for (int y = 0; y < mask.height(); y++) {
                    for (int x = 0; x < mask.width(); x++) {
                        rgba.setRGB(x, y, mask.isTissue(x, y) ? 0x9922aa44 : 0);
                    }
                }
                png = png(rgba);
                tissueCache.put(path.toString(), png);
            } catch (UserException | UncheckedIOException e) {
                throw new io.javalin.http.UnprocessableContentResponse("cannot open " + path.getFileName() + ": "
                        + e.getMessage());
            }
        }
        ctx.contentType("image/png").header("Cache-Control", "private, max-age=600").result(png);
    }

    private void heatmap(Context ctx) throws IOException {
        Path path = library.resolve(ctx.pathParam("id"));
        StagedSlide s = staging(ctx.queryParam("stage"), path, SlideFiles.stem(path))
                .orElseThrow(() -> new NotFoundResponse("this slide has not been staged"));
        Heatmap h = Heatmap.load(s.heatmap());
        // each cell drawn as a block of pixels, so the browser's smoothing keeps the cells' edges
        int scale = Math.max(1, Math.min(8, 4096 / Math.max(h.columns(), h.rows())));
        BufferedImage img = new BufferedImage(h.columns() * scale, h.rows() * scale, BufferedImage.TYPE_INT_ARGB);
        for (int r = 0; r < h.rows(); r++) {
            for (int c = 0; c < h.columns(); c++) {
                if (!h.isValid(c, r)) continue;
                double p = h.get(c, r);
                int alpha = (int) Math.round(90 + 165 * Math.min(1, Math.max(0, p)));
                int argb = (alpha << 24) | (HeatmapOverlay.colour(p) & 0xffffff);
                for (int y = 0; y < scale; y++) {
                    for (int x = 0; x < scale; x++) img.setRGB(c * scale + x, r * scale + y, argb);
                }
            }
        }
        ctx.contentType("image/png").header("Cache-Control", "private, max-age=600").result(png(img));
    }

    /** A staged slide: the staging run and its files for this slide. */
    record StagedSlide(String run, Path outDir, Path heatmap, Path lesions, Path lesionShapes) {
    }

    /**
     * The staging of this slide: the named run, else the newest completed staging run whose report has this slide
     * and whose slides (as given to it) include this file or its folder.
     */
    Optional<StagedSlide> staging(String stageRun, Path slide, String stem) {
        List<Run> candidates;
        if (stageRun != null && !stageRun.isBlank()) {
            candidates = queries.find(stageRun).filter(r -> "stage".equals(r.kind())).map(List::of).orElse(List.of());
        } else {
            candidates = queries.list(RunFilter.builder().optKind("stage").optStatus(RunStatus.COMPLETED).optLimit(50)
                    .build());
        }
        for (Run r : candidates) {
            Optional<Path> out = StagesApi.outDir(r);
            if (out.isEmpty()) continue;
            Path heat = out.get().resolve("slides").resolve(stem + ".heatmap");
            if (!Files.isRegularFile(heat) || !stagedFrom(r, slide)) continue;
            return Optional.of(new StagedSlide(r.id(), out.get(), heat,
                    out.get().resolve("slides").resolve(stem + ".lesions.csv"),
                    out.get().resolve("slides").resolve(stem + ".geojson")));
        }
        return Optional.empty();
    }

    /** Whether the run's --slides named this file or a folder holding it. */
    private static boolean stagedFrom(Run r, Path slide) {
        for (Path given : RunPaths.option(r, "slides")) {
            try {
                Path p = given.toRealPath();
                if (slide.equals(p) || slide.startsWith(p)) return true;
            } catch (IOException e) {
                // moved away: not this slide's staging
            }
        }
        return false;
    }

    /** Lesions with their diameters, boxes and outlines, from the staging report's files. */
    static List<Map<String, Object>> lesions(Path csv) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.isRegularFile(csv)) return out;
        try {
            List<String> lines = Files.readAllLines(csv);
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).split(",");
                if (f.length < 10) continue;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", Integer.parseInt(f[0]));
                m.put("diameterMm", Double.parseDouble(f[1]));
                m.put("areaMm2", Double.parseDouble(f[2]));
                m.put("maxProbability", Double.parseDouble(f[5]));
                m.put("x", Double.parseDouble(f[6]));
                m.put("y", Double.parseDouble(f[7]));
                m.put("width", Double.parseDouble(f[8]));
                m.put("height", Double.parseDouble(f[9]));
                out.add(m);
            }
        } catch (IOException | NumberFormatException e) {
            return out;
        }
        return out;
    }

    /** Annotations beside the slide (ASAP/Aperio XML, GeoJSON) as outlines; an unreadable file says why. */
    private Map<String, Object> annotations(Path slide, String stem) {
        for (String candidate : ANNOTATION_CANDIDATES) {
            Optional<Path> file = library.besideSlide(slide, candidate.replace("STEM", stem));
            if (file.isEmpty()) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", file.get().getFileName().toString());
            try {
                SlideAnnotations a = Annotations.read(file.get());
                List<Map<String, Object>> regions = new ArrayList<>();
                for (AnnotationRegion r : a.regions()) {
                    regions.add(Map.of("name", r.name() == null ? "" : r.name(), "class", r.className(),
                            "colour", String.format(Locale.ROOT, "#%06x", Annotations.colour(r.className()).getRGB() & 0xffffff),
                            "rings", rings(r.geometry())));
                }
                m.put("regions", regions);
            } catch (UserException | UncheckedIOException e) {
                m.put("error", e.getMessage());
            }
            return m;
        }
        return Map.of("regions", List.of());
    }

    /** Outer rings of a (multi)polygon as [[x, y], …] lists, thinned to at most 2,000 points each. */
    static List<List<double[]>> rings(Geometry g) {
        List<List<double[]>> rings = new ArrayList<>();
        for (int i = 0; i < g.getNumGeometries(); i++) {
            Geometry part = g.getGeometryN(i);
            Coordinate[] cs = part instanceof Polygon p ? p.getExteriorRing().getCoordinates() : part.getCoordinates();
            int step = Math.max(1, cs.length / 2000);
            List<double[]> ring = new ArrayList<>();
            for (int k = 0; k < cs.length; k += step) ring.add(new double[]{Math.round(cs[k].x), Math.round(cs[k].y)});
            rings.add(ring);
        }
        return rings;
    }

    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
