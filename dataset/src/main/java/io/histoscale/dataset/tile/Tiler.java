package io.histoscale.dataset.tile;

import io.histoscale.core.AtomicFiles;
import io.histoscale.core.UserException;
import io.histoscale.dataset.SlideEntry;
import io.histoscale.dataset.store.PatchMeta;
import io.histoscale.dataset.store.PatchStoreWriter;
import io.histoscale.dataset.store.SlideBatch;
import io.histoscale.slide.Slide;
import io.histoscale.slide.Slides;
import io.histoscale.slide.annotation.AnnotationIndex;
import io.histoscale.slide.annotation.AnnotationReader;
import io.histoscale.slide.annotation.SlideAnnotations;
import io.histoscale.slide.tissue.GridOverlay;
import io.histoscale.slide.tissue.PatchGrid;
import io.histoscale.slide.tissue.TissueMask;
import io.histoscale.slide.tissue.TissueOptions;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts slides into labelled patches and writes them to a patch store.
 *
 * <p>Per slide: tissue mask on a low-resolution level, a patch grid at the requested MPP over the tissue, each patch's
 * tumour fraction from the slide's annotation (if any), pixels read on worker threads and written in grid order, then
 * the slide is committed atomically. Slides already complete in the store are skipped, so a re-run resumes; a slide
 * that fails is aborted (nothing of it is visible) and reported, and the others go on.
 *
 * <pre>{@code
 * TileReport r = Tiler.builder().setMpp(0.5).setPatchSize(256).optAnnotations(dir).build().run(slides, writer, l);
 * }</pre>
 */
public final class Tiler {
    /** Class names of a store cut with annotations; label = index. */
    public static final List<String> LABELS = List.of("normal", "tumour");
    public static final String UNLABELLED = "unlabelled";
    /** Camelyon17's naming: patient_004_node_3 belongs to patient_004. */
    public static final String DEFAULT_PATIENT_PATTERN = "^(patient_\\d+)_node_\\d+$";

    /** Told about progress from worker threads; implementations must be thread-safe. */
    public interface Listener {
        /** A slide's grid is known: this many patches will be read. */
        default void slideStarted(String slide, int patches) {
        }

        default void patchesDone(int count) {
        }

        default void slideFinished(TileReport.SlideResult result) {
        }
    }

    private final double mpp;
    private final int patchSize;
    private final int stride;
    private final double minTissue;
    private final double tumourThreshold;
    private final int threads;
    private final Path annotations;
    private final boolean repairAnnotations;
    private final Path thumbnails;
    private final String centre;
    private final Pattern patientPattern;
    private final Function<Path, Slide> opener;

    private Tiler(Builder b) {
        mpp = b.mpp;
        patchSize = b.patchSize;
        stride = b.stride == 0 ? b.patchSize : b.stride;
        minTissue = b.minTissue;
        tumourThreshold = b.tumourThreshold;
        threads = b.threads;
        annotations = b.annotations;
        repairAnnotations = b.repairAnnotations;
        thumbnails = b.thumbnails;
        centre = b.centre;
        patientPattern = b.patientPattern;
        opener = b.opener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Class names of the store this tiler writes (empty without annotations: patches are unlabelled). */
    public List<String> labelNames() {
        return annotations == null ? List.of() : LABELS;
    }

    public TileReport run(List<Path> slides, PatchStoreWriter out, Listener listener) {
        if (!out.spec().labelNames().equals(labelNames())) {
            throw new UserException("store " + out.directory() + " holds classes " + out.spec().labelNames()
                    + " but this run writes " + (labelNames().isEmpty() ? "unlabelled patches" : labelNames())
                    + ": tile into a new --out, or " + (annotations == null ? "pass --annotations" : "drop --annotations"));
        }
        long start = System.nanoTime();
        AnnotationIndex index = annotations == null ? null : AnnotationIndex.scan(annotations);
        List<String> warnings = new ArrayList<>();
        if (index != null) {
            for (Path orphan : index.withoutSlide(slides)) {
                warnings.add("annotation " + orphan + " names a slide that is not among the slides given; it was not used");
            }
        }
        ExecutorService slidePool = Executors.newFixedThreadPool(Math.min(threads, slides.size()), daemon("tile-slide"));
        ExecutorService readPool = Executors.newFixedThreadPool(threads, daemon("tile-read"));
        try {
            List<Future<TileReport.SlideResult>> futures = new ArrayList<>();
            for (Path p : slides) {
                futures.add(slidePool.submit(() -> {
                    TileReport.SlideResult r = tileOne(p, index, out, readPool, listener);
                    listener.slideFinished(r);
                    return r;
                }));
            }
            List<TileReport.SlideResult> results = new ArrayList<>();
            for (Future<TileReport.SlideResult> f : futures) results.add(join(f));
            return new TileReport(results, warnings, (System.nanoTime() - start) / 1e9);
        } finally {
            slidePool.shutdownNow();
            readPool.shutdownNow();
        }
    }

    private TileReport.SlideResult tileOne(Path path, AnnotationIndex index, PatchStoreWriter out,
                                           ExecutorService readPool, Listener listener) {
        long start = System.nanoTime();
        String name = SlideFiles.stem(path);
        if (out.isComplete(name)) {
            return new TileReport.SlideResult(path, name, TileReport.Status.SKIPPED_DONE, Map.of(), "already in the store", 0);
        }
        try (Slide slide = opener.apply(path)) {
            SlideAnnotations ann = null;
            String note = "";
            if (index != null) {
                var file = index.forSlide(path);
                if (file.isPresent()) {
                    ann = AnnotationReader.builder().optRepair(repairAnnotations).build().read(file.get());
                    if (!ann.repairs().isEmpty()) note = "repaired " + ann.repairs().size() + " annotation polygon(s)";
                    List<String> outside = ann.checkWithin(slide.width(0), slide.height(0));
                    if (!outside.isEmpty()) {
                        note = (note.isEmpty() ? "" : note + "; ") + "warning: " + String.join("; ", outside);
                    }
                } else {
                    note = "no annotation: all patches normal";
                }
            }
            TissueMask mask = TissueMask.detect(slide, TissueOptions.defaults());
            PatchGrid grid = PatchGrid.builder(slide).setMpp(mpp).setPatchSize(patchSize).optStride(stride)
                    .optTissue(mask, minTissue).build();
            listener.slideStarted(name, grid.patches().size());
            double slideMpp = grid.slideMpp();
            Map<String, Long> counts = new LinkedHashMap<>();
            List<String> thumbLabels = new ArrayList<>();
            SlideBatch batch = out.beginSlide(new SlideEntry(name, patientOf(name), centre, slideMpp));
            try {
                writePatches(new PatchReader(slide, grid), grid, ann, batch, readPool, listener, counts, thumbLabels);
                batch.commit();
            } catch (RuntimeException | Error e) {
                batch.abort();
                throw e;
            }
            if (thumbnails != null) writeThumbnail(slide, mask, grid, thumbLabels, name);
            return new TileReport.SlideResult(path, name, TileReport.Status.TILED, counts, note,
                    (System.nanoTime() - start) / 1e9);
        } catch (UserException e) {
            return new TileReport.SlideResult(path, name, TileReport.Status.FAILED, Map.of(), e.getMessage(),
                    (System.nanoTime() - start) / 1e9);
        }
    }

    /** Reads chunks of patches on the pool, a bounded window ahead, and adds them to the batch in grid order. */
    private void writePatches(PatchReader reader, PatchGrid grid, SlideAnnotations ann, SlideBatch batch,
                              ExecutorService readPool, Listener listener, Map<String, Long> counts,
                              List<String> thumbLabels) {
        List<PatchGrid.Cell> patches = grid.patches();
        int chunk = 16;
        ArrayDeque<Future<List<Cut>>> window = new ArrayDeque<>();
        int next = 0;
        while (next < patches.size() || !window.isEmpty()) {
            while (next < patches.size() && window.size() < 2 * threads) {
                List<PatchGrid.Cell> part = patches.subList(next, Math.min(next + chunk, patches.size()));
                window.add(readPool.submit(() -> part.stream().map(p -> cut(reader, ann, p)).toList()));
                next += part.size();
            }
            List<Cut> cuts = join(window.poll());
            for (Cut c : cuts) {
                batch.add(c.rgb, c.meta);
                String label = c.meta.label() < 0 ? UNLABELLED : LABELS.get(c.meta.label());
                counts.merge(label, 1L, Long::sum);
                thumbLabels.add(label);
            }
            listener.patchesDone(cuts.size());
        }
    }

    private record Cut(byte[] rgb, PatchMeta meta) {
    }

    private Cut cut(PatchReader reader, SlideAnnotations ann, PatchGrid.Cell p) {
        byte[] rgb = reader.read(p);
        float tumour = annotations == null ? Float.NaN
                : ann == null ? 0f : (float) ann.tumourFraction(p.x(), p.y(), p.size(), p.size());
        int label = annotations == null ? -1 : tumour >= tumourThreshold ? 1 : 0;
        return new Cut(rgb, new PatchMeta(label, reader.level(), p.x(), p.y(), reader.patchMpp(), tumour));
    }

    private void writeThumbnail(Slide slide, TissueMask mask, PatchGrid grid, List<String> labels, String name) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(GridOverlay.render(slide, mask, grid.patches(), labels), "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the thumbnail of " + name, e);
        }
        AtomicFiles.write(thumbnails.resolve(name + ".png"), png.toByteArray());
    }

    String patientOf(String slideName) {
        Matcher m = patientPattern.matcher(slideName);
        return m.find() && m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : slideName;
    }

    private static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("tiling interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public static final class Builder {
        private double mpp = TileRequest.DEFAULT_MPP;
        private int patchSize = TileRequest.DEFAULT_SIZE;
        private int stride;
        private double minTissue = TileRequest.DEFAULT_MIN_TISSUE;
        private double tumourThreshold = TileRequest.DEFAULT_TUMOUR_THRESHOLD;
        private int threads = Runtime.getRuntime().availableProcessors();
        private Path annotations;
        private boolean repairAnnotations;
        private Path thumbnails;
        private String centre;
        private Pattern patientPattern = Pattern.compile(DEFAULT_PATIENT_PATTERN);
        private Function<Path, Slide> opener = Slides::open;

        /** Micrometres per pixel of the patches (default 0.5). */
        public Builder setMpp(double mpp) {
            if (!(mpp > 0)) throw UserException.forKey("mpp", mpp + ": give a positive number of µm per pixel");
            this.mpp = mpp;
            return this;
        }

        /** Patch side in pixels (default 256). */
        public Builder setPatchSize(int size) {
            if (size < 8) throw UserException.forKey("size", size + ": give at least 8 pixels");
            this.patchSize = size;
            return this;
        }

        /** Step between patches in output pixels (default: the patch size, no overlap). */
        public Builder optStride(int stride) {
            if (stride < 0) throw UserException.forKey("stride", stride + ": give a positive number of pixels");
            this.stride = stride;
            return this;
        }

        public Builder optMinTissue(double fraction) {
            if (fraction < 0 || fraction > 1) throw UserException.forKey("min_tissue", fraction + ": give a share within 0..1");
            this.minTissue = fraction;
            return this;
        }

        /** A patch is tumour when at least this share of it lies in annotated tumour (default 0.5). */
        public Builder optTumourThreshold(double fraction) {
            if (!(fraction > 0) || fraction > 1) {
                throw UserException.forKey("tumour_threshold", fraction + ": give a share within (0, 1]");
            }
            this.tumourThreshold = fraction;
            return this;
        }

        public Builder optThreads(int threads) {
            if (threads < 1) throw UserException.forKey("threads", threads + ": give at least 1");
            this.threads = threads;
            return this;
        }

        /** Folder of annotation files named after the slides; slides without one are all normal. */
        public Builder optAnnotations(Path dir) {
            this.annotations = dir;
            return this;
        }

        /** Rebuild self-intersecting polygons (JTS GeometryFixer) instead of failing the slide. */
        public Builder optRepairAnnotations(boolean repair) {
            this.repairAnnotations = repair;
            return this;
        }

        /** Where to draw each slide's thumbnail with tissue and patch grid, as PNG. */
        public Builder optThumbnails(Path dir) {
            this.thumbnails = dir;
            return this;
        }

        /** Centre (hospital, scanner site) recorded with every slide. */
        public Builder optCentre(String centre) {
            this.centre = centre;
            return this;
        }

        /** Regular expression whose first group is the patient id in a slide name; otherwise the slide is the patient. */
        public Builder optPatientPattern(String regex) {
            try {
                this.patientPattern = Pattern.compile(regex);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw UserException.forKey("patient_pattern", "is not a valid regular expression: " + e.getDescription());
            }
            return this;
        }

        /**
         * How slides are opened (default {@link Slides#open(Path)}); for slides whose files record no resolution, an
         * opener that wraps them with {@link Slides#withAssumedMpp}.
         */
        public Builder optOpener(Function<Path, Slide> opener) {
            this.opener = opener;
            return this;
        }

        public Tiler build() {
            if (annotations != null && !Files.isDirectory(annotations)) {
                throw new UserException("annotation folder not found: " + annotations + " (pass the folder that holds the XML/GeoJSON files)");
            }
            return new Tiler(this);
        }
    }
}
