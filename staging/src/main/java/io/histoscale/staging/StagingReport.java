package io.histoscale.staging;

import io.histoscale.core.AtomicFiles;
import io.histoscale.core.UserException;
import io.histoscale.slide.annotation.AnnotationRegion;
import io.histoscale.slide.annotation.Annotations;
import io.histoscale.slide.camelyon.PnStage;
import io.histoscale.slide.camelyon.SlideLabel;
import org.locationtech.jts.geom.Envelope;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Writes the results of staging a set of slides:
 * <pre>
 * OUT/stages.csv                   Camelyon17 submission format: patient rows, each followed by its slides' rows
 * OUT/report.html                  one self-contained page: summary (and agreement with the truth), then one section
 *                                  per patient with its stage and each slide's overlay, label and lesions
 * OUT/slides/NAME.heatmap          {@link Heatmap#save}
 * OUT/slides/NAME.lesions.csv      one row per lesion; bounding box in level-0 pixels
 * OUT/slides/NAME.geojson          lesion outlines that QuPath imports as "Tumor" annotations
 * OUT/slides/NAME.png              overlay with its colour scale
 * </pre>
 * NAME is the slide's file name without its extension. Every file is replaced in one step.
 *
 * <pre>{@code
 * StagingReport.builder().addSetting("model", "runs/resnet18").optTruth(StageTable.read(truthCsv)).build()
 *         .write(results, outDir);
 * }</pre>
 */
public final class StagingReport {
    /** Longest side of the overlays inlined in the page; the PNG files keep full size. */
    static final int INLINE_SIDE = 400;
    private static final int LESIONS_SHOWN = 5;

    private final String title;
    private final Map<String, String> settings;
    private final StageTable truth;

    private StagingReport(Builder b) {
        this.title = b.title;
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(b.settings));
        this.truth = b.truth;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * What was written.
     *
     * @param predicted the slide labels and the stages they give
     * @param agreement with the truth, when one was given
     * @param html      the report page
     */
    public record Written(StageTable predicted, Optional<Agreement> agreement, Path html) {
    }

    /**
     * Writes every file for these slides into {@code outDir} (created when missing).
     *
     * @throws UserException when two slides share a name, a slide name does not name its patient, or the truth has no
     *                       stage for a staged patient
     */
    public Written write(List<SlideResult> slides, Path outDir) {
        Map<String, SlideResult> byName = new TreeMap<>();
        for (SlideResult s : slides) {
            if (byName.put(s.slideName(), s) != null) {
                throw new UserException("slide " + s.slideName() + " was staged twice: give each slide once");
            }
        }
        Map<String, SlideLabel> labels = new LinkedHashMap<>();
        byName.forEach((name, s) -> labels.put(name, s.label()));
        StageTable predicted = StageTable.ofSlides(labels);
        Optional<Agreement> agreement = Optional.ofNullable(truth).map(t -> Agreement.of(predicted, t));

        predicted.write(outDir.resolve("stages.csv"));
        Path slideDir = outDir.resolve("slides");
        for (SlideResult s : byName.values()) {
            String stem = stem(s.slideName());
            s.heatmap().save(slideDir.resolve(stem + ".heatmap"));
            AtomicFiles.writeString(slideDir.resolve(stem + ".lesions.csv"), lesionCsv(s.lesions()));
            AtomicFiles.writeString(slideDir.resolve(stem + ".geojson"), geoJson(s.lesions()));
            AtomicFiles.write(slideDir.resolve(stem + ".png"), encode(HeatmapOverlay.withScale(s.overlay()), "png", 0));
        }
        Path html = outDir.resolve("report.html");
        AtomicFiles.writeString(html, html(byName, predicted, agreement));
        return new Written(predicted, agreement, html);
    }

    /**
     * Checks, before any slide is read, that the report can be written for slides of these names and compared with
     * the truth: each name says its patient ({@code PATIENT_node_N.EXT}), no two slides share a name or a node, and the
     * truth (when given) has a stage for every slide's patient and, for a patient it lists slides of, a row for each
     * slide given (a slide it does not list is usually a renamed or converted file, whose label would go uncompared).
     *
     * @throws UserException keyed {@code slides} or {@code truth}, listing everything that does not match
     */
    public void check(List<String> slideNames) {
        List<String> unnamed = slideNames.stream().filter(n -> StageTable.patientOf(n) == null).distinct().toList();
        List<String> twice = slideNames.stream().filter(n -> Collections.frequency(slideNames, n) > 1).distinct()
                .toList();
        List<String> problems = new java.util.ArrayList<>();
        if (!unnamed.isEmpty()) {
            problems.add(list(unnamed) + (unnamed.size() == 1 ? " does" : " do") + " not name the patient (name "
                    + "slides PATIENT_node_N.tif, e.g. patient_000_node_0.tif)");
        }
        if (!twice.isEmpty()) {
            problems.add(list(twice) + (twice.size() == 1 ? " is" : " are") + " given twice (a slide name is its "
                    + "file name; give each slide once)");
        }
        StageTable.sameNodes(slideNames.stream().distinct().toList())
                .forEach(names -> problems.add(StageTable.sameNode(names)));
        if (!problems.isEmpty()) {
            throw UserException.forKey("slides", "cannot be staged: " + String.join("; ", problems));
        }
        if (truth == null) return;
        Map<String, PnStage> stages = truth.stages();
        Map<String, List<String>> listed = truth.slidesByPatient();
        List<String> noStage = slideNames.stream().map(StageTable::patientOf).distinct().sorted()
                .filter(p -> !stages.containsKey(p)).toList();
        List<String> unlisted = slideNames.stream().sorted().filter(n -> listed.containsKey(StageTable.patientOf(n))
                && !truth.slideLabels().containsKey(n)).toList();
        if (!noStage.isEmpty()) {
            problems.add("it has no stage for " + list(noStage) + " (add a row PATIENT.zip,STAGE or the patient's "
                    + "slide rows)");
        }
        if (!unlisted.isEmpty()) {
            String patient = StageTable.patientOf(unlisted.get(0));
            problems.add("it lists other slides of the patients of " + list(unlisted) + " (for " + patient + ": "
                    + list(listed.get(patient)) + ")");
        }
        if (!problems.isEmpty()) {
            throw UserException.forKey("truth", "does not match the slides given: " + String.join("; ", problems)
                    + "; give the truth of these slides, or leave them out");
        }
    }

    /** Up to ten names, then how many more. */
    private static String list(List<String> names) {
        int shown = Math.min(10, names.size());
        return String.join(", ", names.subList(0, shown)) + (names.size() > shown ? " and " + (names.size() - shown)
                + " more" : "");
    }

    static String stem(String slideName) {
        int dot = slideName.lastIndexOf('.');
        return dot > 0 ? slideName.substring(0, dot) : slideName;
    }

    static String lesionCsv(List<Lesion> lesions) {
        StringBuilder csv = new StringBuilder("lesion,diameter_mm,area_mm2,cells,mean_probability,max_probability,x,y,width,height\n");
        for (Lesion l : lesions) {
            Envelope b = l.bounds();
            csv.append(String.format(Locale.ROOT, "%d,%.4f,%.5f,%d,%.4f,%.4f,%.1f,%.1f,%.1f,%.1f%n", l.id(), l.diameterMm(),
                    l.areaMm2(), l.cells(), l.meanProbability(), l.maxProbability(), b.getMinX(), b.getMinY(),
                    b.getWidth(), b.getHeight()));
        }
        return csv.toString();
    }

    /** Lesion outlines as QuPath GeoJSON, named with their number and diameter. */
    static String geoJson(List<Lesion> lesions) {
        return Annotations.toGeoJson(lesions.stream().map(l -> new AnnotationRegion(
                String.format(Locale.ROOT, "lesion %d: %.3f mm", l.id(), l.diameterMm()), "Tumor", l.outline())).toList());
    }

    private String html(Map<String, SlideResult> slides, StageTable predicted, Optional<Agreement> agreement) {
        Map<String, PnStage> trueStages = truth == null ? Map.of() : truth.stages();
        Map<String, SlideLabel> trueLabels = truth == null ? Map.of() : truth.slideLabels();
        Html h = new Html();
        h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").text(title)
                .raw("</title>\n<style>\n").raw(CSS.replace("GRADIENT", HeatmapOverlay.cssGradient())).raw("</style>\n</head>\n<body>\n");
        h.raw("<header>\n<h1>").text(title).raw("</h1>\n<p class=\"meta\">");
        h.text(predicted.stages().size() + " patients, " + slides.size() + " slides");
        settings.forEach((k, v) -> h.raw(" · ").text(k + ": " + v));
        h.raw("</p>\n<div class=\"scale\"><span>0</span><div class=\"bar\"></div><span>1</span>"
                + "<span class=\"note\">tumour probability; lesions outlined in black</span></div>\n</header>\n");

        h.raw("<section class=\"summary\">\n<h2>Summary</h2>\n");
        agreement.ifPresent(a -> {
            h.raw("<p class=\"kappa\">Quadratic-weighted Cohen's κ ").raw(Double.isNaN(a.kappa()) ? "undefined (all patients in one stage)"
                    : "<b>" + String.format(Locale.ROOT, "%.4f", a.kappa()) + "</b>");
            h.text(String.format(Locale.ROOT, " over %d patients; %.0f %% of stages and %.0f %% of %d slide labels exact.",
                    a.stages().total(), 100 * a.stages().accuracy(), 100 * a.slideLabels().accuracy(), a.slideLabels().total()));
            if (!a.truthOnly().isEmpty()) h.text(" " + a.truthOnly().size() + " patients of the truth were not staged.");
            h.raw("</p>\n<div class=\"matrices\">\n");
            matrix(h, "Patient stages", a.stages(), PnStage::csvName);
            matrix(h, "Slide labels", a.slideLabels(), SlideLabel::csvName);
            h.raw("</div>\n");
        });
        h.raw("<table class=\"patients\">\n<tr><th>patient</th><th>stage</th>").raw(truth == null ? "" : "<th>truth</th>")
                .raw("<th>slide labels</th></tr>\n");
        Map<String, List<String>> slidesOf = predicted.slidesByPatient();
        predicted.stages().forEach((patient, stage) -> {
            h.raw("<tr><td><a href=\"#").text(patient).raw("\">").text(patient).raw("</a></td><td>");
            stageBadge(h, stage);
            h.raw("</td>");
            if (truth != null) truthCell(h, trueStages.get(patient), stage);
            h.raw("<td>");
            for (String slide : slidesOf.get(patient)) {
                labelBadge(h, slides.get(slide).label());
            }
            h.raw("</td></tr>\n");
        });
        h.raw("</table>\n</section>\n");

        predicted.stages().forEach((patient, stage) -> {
            h.raw("<section class=\"patient\" id=\"").text(patient).raw("\">\n<h2>").text(patient).raw(" ");
            stageBadge(h, stage);
            PnStage expected = trueStages.get(patient);
            if (expected != null) {
                h.raw(expected == stage ? " <span class=\"ok\">truth " : " <span class=\"bad\">truth ").text(expected.csvName())
                        .raw(expected == stage ? " ✓" : " ✗").raw("</span>");
            }
            h.raw("</h2>\n<div class=\"slides\">\n");
            for (String name : slidesOf.get(patient)) slideCard(h, slides.get(name), trueLabels.get(name));
            h.raw("</div>\n</section>\n");
        });
        return h.raw("</body>\n</html>\n").toString();
    }

    private static void slideCard(Html h, SlideResult s, SlideLabel trueLabel) {
        String stem = stem(s.slideName());
        h.raw("<figure>\n<img alt=\"").text("heatmap of " + s.slideName()).raw("\" src=\"data:image/jpeg;base64,")
                .raw(Base64.getEncoder().encodeToString(encode(shrink(s.overlay()), "jpeg", 0.8f))).raw("\">\n<figcaption>\n<p><b>")
                .text(s.slideName()).raw("</b> ");
        labelBadge(h, s.label());
        if (trueLabel != null) {
            h.raw(trueLabel == s.label() ? " <span class=\"ok\">truth " : " <span class=\"bad\">truth ").text(trueLabel.csvName())
                    .raw(trueLabel == s.label() ? " ✓" : " ✗").raw("</span>");
        }
        h.raw("</p>\n<p class=\"meta\">");
        h.text(s.lesions().isEmpty() ? "no lesion" : String.format(Locale.ROOT, "%d lesion%s, largest %.3f mm",
                s.lesions().size(), s.lesions().size() == 1 ? "" : "s", s.largestDiameterMm()));
        h.raw(" · <a href=\"slides/").text(stem).raw(".png\">overlay</a> · <a href=\"slides/").text(stem)
                .raw(".lesions.csv\">lesions</a> · <a href=\"slides/").text(stem).raw(".geojson\">GeoJSON</a></p>\n");
        if (!s.lesions().isEmpty()) {
            h.raw("<table class=\"lesions\">\n<tr><th>#</th><th>diameter mm</th><th>area mm²</th><th>mean p</th></tr>\n");
            for (Lesion l : s.lesions().subList(0, Math.min(LESIONS_SHOWN, s.lesions().size()))) {
                h.raw(String.format(Locale.ROOT, "<tr><td>%d</td><td>%.3f</td><td>%.4f</td><td>%.2f</td></tr>%n",
                        l.id(), l.diameterMm(), l.areaMm2(), l.meanProbability()));
            }
            h.raw("</table>\n");
            if (s.lesions().size() > LESIONS_SHOWN) {
                h.raw("<p class=\"meta\">").text("and " + (s.lesions().size() - LESIONS_SHOWN) + " smaller").raw("</p>\n");
            }
        }
        h.raw("</figcaption>\n</figure>\n");
    }

    private static <E extends Enum<E>> void matrix(Html h, String caption, ConfusionMatrix<E> m, Function<E, String> names) {
        h.raw("<table class=\"matrix\">\n<caption>").text(caption + " (rows truth, columns predicted)").raw("</caption>\n<tr><th></th>");
        for (E c : m.categories()) h.raw("<th>").text(names.apply(c)).raw("</th>");
        h.raw("</tr>\n");
        for (E t : m.categories()) {
            h.raw("<tr><th>").text(names.apply(t)).raw("</th>");
            for (E p : m.categories()) {
                long n = m.count(t, p);
                h.raw(n == 0 ? "<td class=\"zero\">" : t == p ? "<td class=\"hit\">" : "<td class=\"miss\">").raw(Long.toString(n)).raw("</td>");
            }
            h.raw("</tr>\n");
        }
        h.raw("</table>\n");
    }

    private static void truthCell(Html h, PnStage expected, PnStage stage) {
        if (expected == null) {
            h.raw("<td>-</td>");
        } else {
            h.raw(expected == stage ? "<td class=\"ok\">" : "<td class=\"bad\">").text(expected.csvName()).raw("</td>");
        }
    }

    private static void stageBadge(Html h, PnStage stage) {
        h.raw("<span class=\"badge s").raw(Integer.toString(stage.ordinal())).raw("\">").text(stage.csvName()).raw("</span>");
    }

    private static void labelBadge(Html h, SlideLabel label) {
        h.raw("<span class=\"badge ").raw(label.csvName()).raw("\">").text(label.csvName()).raw("</span>");
    }

    /** Scaled so its longest side is at most {@link #INLINE_SIDE}, averaging pixels. */
    private static BufferedImage shrink(BufferedImage image) {
        double f = Math.min(1, (double) INLINE_SIDE / Math.max(image.getWidth(), image.getHeight()));
        if (f == 1) return image;
        int w = Math.max(1, (int) Math.round(image.getWidth() * f)), h = Math.max(1, (int) Math.round(image.getHeight() * f));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(image.getScaledInstance(w, h, Image.SCALE_AREA_AVERAGING), 0, 0, null);
        g.dispose();
        return out;
    }

    /** PNG, or JPEG of this quality. */
    private static byte[] encode(BufferedImage image, String format, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (format.equals("jpeg")) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
            }
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new IllegalStateException("encoding an image in memory failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** Markup with text escaped. */
    private static final class Html {
        private final StringBuilder out = new StringBuilder();

        Html raw(String markup) {
            out.append(markup);
            return this;
        }

        Html text(String text) {
            out.append(io.histoscale.core.Html.escape(text));
            return this;
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }

    private static final String CSS = """
            body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 0 auto;
                   max-width: 1400px; padding: 0 24px 48px; background: #fafafa; }
            h1 { font-size: 24px; margin: 24px 0 4px; }
            h2 { font-size: 18px; margin: 0 0 12px; }
            section { background: #fff; border: 1px solid #e3e3e3; border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
            .meta { color: #666; margin: 2px 0; }
            .scale { display: flex; align-items: center; gap: 6px; margin: 8px 0; color: #666; font-size: 12px; }
            .scale .bar { width: 200px; height: 12px; border-radius: 2px; background: GRADIENT; }
            .scale .note { margin-left: 8px; }
            table { border-collapse: collapse; }
            th, td { padding: 3px 8px; text-align: left; border-bottom: 1px solid #eee; }
            th { font-weight: 600; color: #444; }
            .kappa { font-size: 16px; }
            .matrices { display: flex; flex-wrap: wrap; gap: 32px; margin: 12px 0 20px; }
            .matrix caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
            .matrix td { text-align: right; min-width: 36px; }
            .matrix .hit { background: #dcf1dc; font-weight: 600; }
            .matrix .miss { background: #f8dcdc; }
            .matrix .zero { color: #bbb; }
            .patients td { vertical-align: middle; }
            .slides { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 16px; }
            figure { margin: 0; border: 1px solid #eee; border-radius: 6px; padding: 8px; background: #fff; }
            figure img { width: 100%; height: auto; display: block; border-radius: 3px; }
            figcaption p { margin: 6px 0 2px; }
            .lesions { font-size: 12px; margin-top: 4px; }
            .lesions td { text-align: right; }
            .badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; font-weight: 600;
                     color: #fff; margin-right: 3px; }
            .negative, .s0 { background: #6b8e6b; }
            .itc, .s1 { background: #c9a227; }
            .micro, .s2 { background: #e07b22; }
            .macro, .s3 { background: #c8322d; }
            .s4 { background: #7d1d3f; }
            .ok { color: #2e7d32; font-weight: 600; }
            .bad { color: #c62828; font-weight: 600; }
            a { color: #1f5fa8; }
            """;

    public static final class Builder {
        private String title = "HistoScale staging report";
        private final Map<String, String> settings = new LinkedHashMap<>();
        private StageTable truth;

        private Builder() {
        }

        public Builder optTitle(String title) {
            this.title = title;
            return this;
        }

        /** A line of what produced the results (model, threshold, ...), shown under the title. */
        public Builder addSetting(String name, String value) {
            settings.put(name, value);
            return this;
        }

        /** True stages and labels: the report then shows kappa, confusion matrices and right or wrong per patient. */
        public Builder optTruth(StageTable truth) {
            this.truth = truth;
            return this;
        }

        public StagingReport build() {
            return new StagingReport(this);
        }
    }
}
