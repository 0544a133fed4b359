package io.histoscale.server.api;

import io.histoscale.core.UserException;
import io.histoscale.registry.Run;
import io.histoscale.registry.RunFilter;
import io.histoscale.registry.RunQueries;
import io.histoscale.registry.RunStatus;
import io.histoscale.server.SlideLibrary;
import io.histoscale.slide.camelyon.PnStage;
import io.histoscale.slide.camelyon.SlideLabel;
import io.histoscale.staging.Agreement;
import io.histoscale.staging.ConfusionMatrix;
import io.histoscale.staging.StageTable;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code /api/v1/stages}: staging runs and, for one, each patient's predicted pN stage beside the truth (when the run
 * was given one), the slide labels, the largest lesion per slide (with where it is, so the viewer can open there),
 * kappa and the confusion matrix.
 */
public final class StagesApi {

    private final RunQueries queries;
    private final SlideLibrary library;

    public StagesApi(RunQueries queries, SlideLibrary library) {
        this.queries = queries;
        this.library = library;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/api/v1/stages", ctx -> ctx.json(Map.of("stages", queries.list(RunFilter.builder()
                .optKind("stage").optStatus(RunStatus.COMPLETED).optLimit(100).build()).stream()
                .map(RunsApi::summary).toList())));
        config.routes.get("/api/v1/stages/{run}", this::stage);
    }

    /** The folder a staging run wrote its report to (its --out, against the folder it ran in). */
    static Optional<Path> outDir(Run r) {
        return RunPaths.option(r, "out").stream().filter(Files::isDirectory).findFirst();
    }

    private void stage(Context ctx) {
        String id = ctx.pathParam("run");
        Run run = queries.find(id).filter(r -> "stage".equals(r.kind()))
                .orElseThrow(() -> new NotFoundResponse("no staging run " + id));
        Path out = outDir(run).orElseThrow(() -> new NotFoundResponse("staging run " + run.id()
                + ": its report folder " + run.config().get("out") + " is missing (moved or deleted)"));
        Path csv = out.resolve("stages.csv");
        if (!Files.isRegularFile(csv)) throw new NotFoundResponse("staging run " + run.id() + ": " + csv + " is missing");
        StageTable predicted = StageTable.read(csv);
        StageTable truth = null;
        List<String> notes = new ArrayList<>();
        for (Path t : RunPaths.option(run, "truth")) {
            try {
                truth = StageTable.read(t);
            } catch (UserException e) {
                notes.add("truth " + t + " cannot be read: " + e.getMessage());
            }
        }
        Map<String, Path> slideFiles = slideFiles(run);
        Map<String, PnStage> trueStages = truth == null ? Map.of() : truth.stages();
        Map<String, SlideLabel> trueLabels = truth == null ? Map.of() : truth.slideLabels();
        Map<String, List<String>> byPatient = predicted.slidesByPatient();
        List<Map<String, Object>> patients = new ArrayList<>();
        for (Map.Entry<String, PnStage> p : predicted.stages().entrySet()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("patient", p.getKey());
            pm.put("predicted", p.getValue().csvName());
            PnStage t = trueStages.get(p.getKey());
            pm.put("truth", t == null ? null : t.csvName());
            List<Map<String, Object>> slides = new ArrayList<>();
            for (String slide : byPatient.getOrDefault(p.getKey(), List.of())) {
                Map<String, Object> sm = new LinkedHashMap<>();
                sm.put("slide", slide);
                sm.put("label", predicted.slideLabels().get(slide).csvName());
                SlideLabel tl = trueLabels.get(slide);
                sm.put("truth", tl == null ? null : tl.csvName());
                String stem = slide.replaceFirst("\\.[^.]+$", "");
                List<Map<String, Object>> lesions = SlidesApi.lesions(out.resolve("slides").resolve(stem + ".lesions.csv"));
                Map<String, Object> largest = lesions.stream()
                        .max(Comparator.comparingDouble(l -> (Double) l.get("diameterMm"))).orElse(null);
                sm.put("largestLesion", largest);
                Path file = slideFiles.get(slide);
                sm.put("slideId", file == null ? null : library.idOf(file).orElse(null));
                slides.add(sm);
            }
            pm.put("slides", slides);
            patients.add(pm);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", run.id());
        m.put("createdAt", run.createdAt().toString());
        m.put("model", run.config().get("model"));
        m.put("patients", patients);
        if (truth != null) {
            try {
                Agreement a = Agreement.of(predicted, truth);
                m.put("kappa", a.kappa());
                m.put("confusion", confusion(a.stages()));
                m.put("slideConfusion", confusion(a.slideLabels()));
                m.put("stageAccuracy", a.stages().accuracy());
            } catch (UserException e) {
                notes.add(e.getMessage());
            }
        }
        m.put("notes", notes);
        ctx.json(m);
    }

    private static <E extends Enum<E>> Map<String, Object> confusion(ConfusionMatrix<E> c) {
        List<String> names = c.categories().stream().map(e -> e instanceof PnStage s ? s.csvName()
                : e instanceof SlideLabel l ? l.csvName() : e.name()).toList();
        long[][] counts = c.counts();
        List<List<Long>> rows = new ArrayList<>();
        for (long[] row : counts) rows.add(java.util.Arrays.stream(row).boxed().toList());
        return Map.of("categories", names, "counts", rows, "rows", "truth", "columns", "predicted");
    }

    /** The files the run staged, by file name, as far as they can still be found. */
    private static Map<String, Path> slideFiles(Run r) {
        Map<String, Path> byName = new LinkedHashMap<>();
        for (Path p : RunPaths.option(r, "slides")) {
            if (Files.isRegularFile(p)) byName.put(p.getFileName().toString(), p);
            else if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(Files::isRegularFile).forEach(f -> byName.put(f.getFileName().toString(), f));
                } catch (IOException e) {
                    // a folder that went away: its slides cannot be opened from here
                }
            }
        }
        return byName;
    }
}
