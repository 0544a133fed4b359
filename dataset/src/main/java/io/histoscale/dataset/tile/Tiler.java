package io.histoscale.dataset.tile;

import io.histoscale.core.AtomicFiles;
import io.histoscale.core.UserException;
import io.histoscale.dataset.SlideEntry;
import io.histoscale.dataset.store.PatchMeta;
import io.histoscale.dataset.store.PatchStoreWriter;
import io.histoscale.dataset.store.SlideBatch;
import io.histoscale.dataset.store.SlideClaim;
import io.histoscale.dataset.store.SlideMatch;
import io.histoscale.dataset.store.SlideOrigin;
import io.histoscale.dataset.store.StoreWriteException;
import io.histoscale.dataset.store.TilingOptions;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Cuts slides into labelled patches and writes them to a patch store.
 *
 * <p>Per slide: tissue mask on a low-resolution level, a patch grid at the requested MPP over the tissue, each patch's
 * tumour fraction from the slide's annotation (if any), pixels read on worker threads and written in grid order, then
 * the slide is committed atomically. Slides already complete in the store are skipped, so a re-run resumes; a slide
 * that fails is aborted (nothing of it is visible) and reported, and the others go on.
 *
 * <p>The store records the {@link #tilingOptions() options} it is cut with and refuses others. Slides are known by a
 * fingerprint of their file ({@link SlideOrigin}): the same file under another path is skipped as done, a file of the
 * same name with other content is tiled too (under a suffixed name), a file at a known path whose content changed is
 * reported. Several tilers, in this or other processes, may share a store and a list of slides: each slide file is
 * claimed by one of them while it is tiled, the others take the next, and wait for the claimed ones at the end, so
 * every run returns with all its slides in the store. When the store cannot be written (a full disk), the run stops
 * with one {@link UserException}, keeping the slides committed before.
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
    /** The message of a slide skipped because a slide of its name, of unknown content, is in the store. */
    private static final String BY_NAME_ONLY = "already in the store by name (recorded without its content fingerprint)";
    /** How often a tiler waiting for a slide that another writer holds looks again. */
    private static final long CLAIM_POLL_MILLIS = 200;

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

    /** The options that decide what this tiler's patches are; the store it writes records them. */
    public TilingOptions tilingOptions() {
        return new TilingOptions(mpp, patchSize, stride, minTissue, annotations == null ? null : tumourThreshold);
    }

    /**
     * Tiles {@code slides} into {@code out}; slides already in the store are skipped, slides that fail are reported.
     *
     * @throws UserException when the store holds other classes or patches cut with other options (keyed by the first
     *                       option that differs), or when it cannot be written (then what it had committed is kept)
     */
    public TileReport run(List<Path> slides, PatchStoreWriter out, Listener listener) {
        if (!out.spec().labelNames().equals(labelNames())) {
            throw new UserException("store " + out.directory() + " holds classes " + out.spec().labelNames()
                    + " but this run writes " + (labelNames().isEmpty() ? "unlabelled patches" : labelNames())
                    + ": tile into another store, or " + (annotations == null ? "give the annotations folder"
                    : "tile without annotations"));
        }
        List<String> warnings = new ArrayList<>();
        out.requireTiling(tilingOptions()).ifPresent(warnings::add);
        long start = System.nanoTime();
        AnnotationIndex index = annotations == null ? null : AnnotationIndex.scan(annotations);
        if (index != null) {
            for (Path orphan : index.withoutSlide(slides)) {
                warnings.add("annotation " + orphan + " names a slide that is not among the slides given; it was not used");
            }
        }
        ExecutorService slidePool = Executors.newFixedThreadPool(Math.min(threads, slides.size()), daemon("tile-slide"));
        ExecutorService readPool = Executors.newFixedThreadPool(threads, daemon("tile-read"));
        AtomicReference<StoreWriteException> storeFailure = new AtomicReference<>();
        try {
            TileReport.SlideResult[] results = new TileReport.SlideResult[slides.size()];
            // First the slides no other writer holds, then those it did, waiting for it: most turn out done by then.
            List<Integer> pending = IntStream.range(0, slides.size()).boxed().toList();
            for (boolean wait : new boolean[]{false, true}) {
                List<Future<TileReport.SlideResult>> futures = new ArrayList<>();
                for (int i : pending) {
                    Path p = slides.get(i);
                    futures.add(slidePool.submit(() -> attempt(p, wait, index, out, readPool, listener, storeFailure)));
                }
                List<Integer> deferred = new ArrayList<>();
                for (int k = 0; k < pending.size(); k++) {
                    TileReport.SlideResult r = join(futures.get(k));
                    if (r == null) deferred.add(pending.get(k));
                    else results[pending.get(k)] = r;
                }
                pending = deferred;
            }
            StoreWriteException failure = storeFailure.get();
            if (failure != null) {
                long committed = Arrays.stream(results).filter(r -> r.status() == TileReport.Status.TILED).count();
                throw new UserException(failure.getMessage() + " This run had committed " + committed + " of its "
                        + slides.size() + " slide(s) before; they are kept, and running it again skips them.", failure);
            }
            long byName = Arrays.stream(results).filter(r -> r.message().equals(BY_NAME_ONLY)).count();
            if (byName > 0) {
                warnings.add(byName + " slide(s) were skipped as done by their name alone: the store, written by an "
                        + "earlier HistoScale, did not record which files its slides came from");
            }
            return new TileReport(List.of(results), warnings, (System.nanoTime() - start) / 1e9);
        } finally {
            slidePool.shutdownNow();
            readPool.shutdownNow();
        }
    }

    /**
     * Tiles one slide file once this tiler holds its claim; null when another writer holds it and {@code wait} is
     * false. After a store write failure, slides are no longer started.
     */
    private TileReport.SlideResult attempt(Path path, boolean wait, AnnotationIndex index, PatchStoreWriter out,
                                           ExecutorService readPool, Listener listener,
                                           AtomicReference<StoreWriteException> storeFailure) {
        long start = System.nanoTime();
        String stem = SlideFiles.stem(path);
        TileReport.SlideResult stopped = new TileReport.SlideResult(path, stem, TileReport.Status.FAILED, Map.of(),
                "not tiled: the store could not be written", 0);
        try {
            if (storeFailure.get() != null) return stopped;
            SlideOrigin origin;
            try {
                origin = SlideOrigin.of(path);
            } catch (StoreWriteException e) {
                throw e;
            } catch (UserException e) {
                return new TileReport.SlideResult(path, stem, TileReport.Status.FAILED, Map.of(), e.getMessage(),
                        (System.nanoTime() - start) / 1e9);
            }
            Optional<SlideClaim> claim = out.tryClaim(origin);
            while (claim.isEmpty()) {
                if (!wait) return null;
                sleep(CLAIM_POLL_MILLIS);
                if (storeFailure.get() != null) return stopped;
                claim = out.tryClaim(origin);
            }
            try (SlideClaim held = claim.get()) {
                TileReport.SlideResult r = tileOne(path, stem, origin, index, out, readPool, listener);
                listener.slideFinished(r);
                return r;
            }
        } catch (StoreWriteException e) {
            storeFailure.compareAndSet(null, e);
            return stopped;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("tiling interrupted", e);
        }
    }

    /** Skips, reports or tiles a slide file whose claim this tiler holds. */
    private TileReport.SlideResult tileOne(Path path, String stem, SlideOrigin origin, AnnotationIndex index,
                                           PatchStoreWriter out, ExecutorService readPool, Listener listener) {
        long start = System.nanoTime();
        Optional<SlideMatch> known;
        try {
            known = out.find(origin, stem);
        } catch (StoreWriteException e) {
            throw e;
        } catch (UserException e) {
            return new TileReport.SlideResult(path, stem, TileReport.Status.FAILED, Map.of(), e.getMessage(), 0);
        }
        if (known.isPresent()) return known(path, stem, origin, known.get(), out);
        String name = stem;
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
            // The patient comes from the file's name, before the store adds a suffix to tell same-name files apart.
            SlideBatch batch = out.beginSlide(new SlideEntry(name, patientOf(name), centre, slideMpp), origin);
            try {
                writePatches(new PatchReader(slide, grid), grid, ann, batch, readPool, listener, counts, thumbLabels);
                name = batch.commit().name();
                if (!name.equals(stem)) {
                    note = (note.isEmpty() ? "" : note + "; ") + "another file named " + stem + " is in the store, so "
                            + "this one (" + path + ") is " + name;
                }
            } catch (RuntimeException | Error e) {
                try {
                    batch.abort();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            if (thumbnails != null) {
                try {
                    writeThumbnail(slide, mask, grid, thumbLabels, name);
                } catch (UserException e) {
                    note = (note.isEmpty() ? "" : note + "; ") + "no thumbnail: " + e.getMessage();
                }
            }
            return new TileReport.SlideResult(path, name, TileReport.Status.TILED, counts, note,
                    (System.nanoTime() - start) / 1e9);
        } catch (StoreWriteException e) {
            throw e;
        } catch (UserException e) {
            return new TileReport.SlideResult(path, name, TileReport.Status.FAILED, Map.of(), e.getMessage(),
                    (System.nanoTime() - start) / 1e9);
        }
    }

    /** The outcome for a slide file the store knows already. */
    private static TileReport.SlideResult known(Path path, String stem, SlideOrigin origin, SlideMatch match,
                                                PatchStoreWriter out) {
        return switch (match.kind()) {
            case SAME_CONTENT -> new TileReport.SlideResult(path, match.name(), TileReport.Status.SKIPPED_DONE, Map.of(),
                    "already in the store" + (match.name().equals(stem) ? "" : " as " + match.name())
                            + (match.source() == null || match.source().equals(origin.path()) ? ""
                            : " (the same content as " + match.source() + ")"), 0);
            case SAME_NAME_NO_FINGERPRINT -> new TileReport.SlideResult(path, match.name(),
                    TileReport.Status.SKIPPED_DONE, Map.of(), BY_NAME_ONLY, 0);
            case CHANGED -> new TileReport.SlideResult(path, stem, TileReport.Status.FAILED, Map.of(), path
                    + " has changed since it was tiled into the store " + out.directory() + " as slide " + match.name()
                    + " (its content fingerprint differs); the store keeps the patches of the earlier file. To use "
                    + "the new content, tile it into a new store (another output folder)", 0);
        };
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
