package io.histoscale.dataset.tile;

import io.histoscale.core.ConfigMaps;
import io.histoscale.core.UserException;
import io.histoscale.dataset.store.Compression;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request to tile slides into a patch store ({@link Tiling#run}): what the command line, the dashboard and the
 * model search build, with every setting's default here and nowhere else. Settings are snake_case configuration keys
 * ({@link #toMap()}); bad values fail with errors keyed by them.
 *
 * <pre>{@code
 * TileReport r = Tiling.run(TileRequest.builder(List.of(slides), store).setMpp(1.0).setSize(64).build(), listener);
 * }</pre>
 *
 * @param slides            slide files or folders of slides
 * @param out               the patch store: created, or appended to when it exists
 * @param mpp               micrometres per pixel of the patches
 * @param size              patch side in pixels
 * @param stride            step between patches in pixels; 0 for {@code size} (no overlap)
 * @param annotations       folder of annotations named after the slides, or null for unlabelled patches
 * @param repairAnnotations rebuild self-intersecting polygons instead of failing the slide
 * @param minTissue         minimum tissue share of a patch
 * @param tumourThreshold   tumour share that makes a patch tumour
 * @param threads           reader threads; 0 for all cores
 * @param compression       how patches are stored
 * @param assumeMpp         micrometres per pixel of slides whose file records none, or null
 * @param centre            centre or site id recorded with the slides, or null
 * @param patientPattern    regular expression whose first group is the patient id in a slide name
 * @param thumbnails        draw {@code out/thumbnails/SLIDE.png} with the tissue and the grid
 * @param backend           {@code auto}, or the name of a registered slide reader
 */
public record TileRequest(List<Path> slides, Path out, double mpp, int size, int stride, Path annotations,
                          boolean repairAnnotations, double minTissue, double tumourThreshold, int threads,
                          Compression compression, Double assumeMpp, String centre, String patientPattern,
                          boolean thumbnails, String backend) {

    public static final double DEFAULT_MPP = 0.5;
    public static final int DEFAULT_SIZE = 256;
    public static final double DEFAULT_MIN_TISSUE = 0.5;
    public static final double DEFAULT_TUMOUR_THRESHOLD = 0.5;

    public TileRequest {
        slides = List.copyOf(slides);
        Objects.requireNonNull(out, "out");
        if (slides.isEmpty()) {
            throw UserException.forKey("slides", "none given: give slide files or folders of slides");
        }
        if (assumeMpp != null && !(assumeMpp > 0 && Double.isFinite(assumeMpp))) {
            throw UserException.forKey("assume_mpp", assumeMpp + ": give a positive number of µm per pixel");
        }
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(backend, "backend");
    }

    /** The settings (not the slides and the store) by configuration key. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = ConfigMaps.toMap(this);
        map.remove("slides");
        map.remove("out");
        return map;
    }

    /** The default settings by configuration key. */
    public static Map<String, Object> defaults() {
        return builder(List.of(Path.of(".")), Path.of(".")).build().toMap();
    }

    public static Builder builder(List<Path> slides, Path out) {
        return new Builder(slides, out);
    }

    /** Builds a {@link TileRequest}; slides and store are required, every setting has a default. */
    public static final class Builder {
        private final List<Path> slides;
        private final Path out;
        private double mpp = DEFAULT_MPP;
        private int size = DEFAULT_SIZE;
        private int stride;
        private Path annotations;
        private boolean repairAnnotations;
        private double minTissue = DEFAULT_MIN_TISSUE;
        private double tumourThreshold = DEFAULT_TUMOUR_THRESHOLD;
        private int threads;
        private Compression compression = Compression.ZSTD;
        private Double assumeMpp;
        private String centre;
        private String patientPattern = Tiler.DEFAULT_PATIENT_PATTERN;
        private boolean thumbnails = true;
        private String backend = "auto";

        private Builder(List<Path> slides, Path out) {
            this.slides = slides;
            this.out = out;
        }

        public Builder setMpp(double mpp) {
            this.mpp = mpp;
            return this;
        }

        public Builder setSize(int size) {
            this.size = size;
            return this;
        }

        public Builder optStride(int stride) {
            this.stride = stride;
            return this;
        }

        public Builder optAnnotations(Path annotations) {
            this.annotations = annotations;
            return this;
        }

        public Builder optRepairAnnotations(boolean repair) {
            this.repairAnnotations = repair;
            return this;
        }

        public Builder optMinTissue(double minTissue) {
            this.minTissue = minTissue;
            return this;
        }

        public Builder optTumourThreshold(double tumourThreshold) {
            this.tumourThreshold = tumourThreshold;
            return this;
        }

        /** Reader threads (default 0: all cores). */
        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder optCompression(Compression compression) {
            this.compression = compression;
            return this;
        }

        public Builder optAssumeMpp(Double assumeMpp) {
            this.assumeMpp = assumeMpp;
            return this;
        }

        public Builder optCentre(String centre) {
            this.centre = centre;
            return this;
        }

        public Builder optPatientPattern(String patientPattern) {
            this.patientPattern = patientPattern;
            return this;
        }

        public Builder optThumbnails(boolean thumbnails) {
            this.thumbnails = thumbnails;
            return this;
        }

        public Builder optBackend(String backend) {
            this.backend = backend;
            return this;
        }

        public TileRequest build() {
            return new TileRequest(slides, out, mpp, size, stride, annotations, repairAnnotations, minTissue,
                    tumourThreshold, threads, compression, assumeMpp, centre, patientPattern, thumbnails, backend);
        }
    }
}
