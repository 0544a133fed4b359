package io.histoscale.staging;

import io.histoscale.core.ConfigMaps;
import io.histoscale.core.UserException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request to stage slides with a trained model ({@link Staging#run}): what the command line, the dashboard and the
 * model search build, with every setting's default here and nowhere else. Settings are snake_case configuration keys
 * ({@link #toMap()}).
 *
 * @param model     the training run whose model scores the patches
 * @param slides    slide files or folders of slides
 * @param out       where {@code stages.csv}, the heatmaps and {@code report.html} go
 * @param truth     a Camelyon17 {@code stage_labels.csv} to score against, or null
 * @param threshold tumour probability that makes a heatmap cell part of a lesion
 * @param stride    step between patches in pixels; 0 for the model's patch size
 * @param mpp       µm/px of the model's patches; null for those of the store it was trained on
 * @param assumeMpp µm/px of level 0 of slides whose file records none; null to refuse such slides
 * @param batch     patches per inference batch
 * @param device    {@code cpu}, {@code gpu} or {@code gpu:N}
 * @param threads   engine threads; 0 for all cores
 * @param readers   patch reader threads; 0 for half the cores
 * @param backend   {@code auto}, or the name of a registered slide reader
 */
public record StageRequest(Path model, List<Path> slides, Path out, Path truth, double threshold, int stride,
                           Double mpp, Double assumeMpp, int batch, String device, int threads, int readers,
                           String backend) {

    public static final int DEFAULT_BATCH = 128;

    public StageRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(out, "out");
        slides = List.copyOf(slides);
        if (slides.isEmpty()) {
            throw UserException.forKey("slides", "none given: give slide files or folders of slides");
        }
        if (!(threshold > 0 && threshold < 1)) {
            throw UserException.forKey("threshold", threshold + ": give a probability strictly between 0 and 1");
        }
        if (assumeMpp != null && !(assumeMpp > 0 && Double.isFinite(assumeMpp))) {
            throw UserException.forKey("assume_mpp", assumeMpp + ": give a positive number of µm per pixel");
        }
        if (stride < 0 || batch < 1 || threads < 0 || readers < 0) {
            throw new UserException("stride, threads and readers must not be negative, batch at least 1");
        }
    }

    /** The settings (not the model, slides, truth and report folder) by configuration key. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = ConfigMaps.toMap(this);
        for (String key : List.of("model", "slides", "out", "truth")) {
            map.remove(key);
        }
        return map;
    }

    /** The default settings by configuration key. */
    public static Map<String, Object> defaults() {
        return builder(Path.of("."), List.of(Path.of(".")), Path.of(".")).build().toMap();
    }

    public static Builder builder(Path model, List<Path> slides, Path out) {
        return new Builder(model, slides, out);
    }

    /** Builds a {@link StageRequest}; model, slides and report folder are required, every setting has a default. */
    public static final class Builder {
        private final Path model;
        private final List<Path> slides;
        private final Path out;
        private Path truth;
        private double threshold = LesionDetector.DEFAULT_THRESHOLD;
        private int stride;
        private Double mpp;
        private Double assumeMpp;
        private int batch = DEFAULT_BATCH;
        private String device = "cpu";
        private int threads;
        private int readers;
        private String backend = "auto";

        private Builder(Path model, List<Path> slides, Path out) {
            this.model = model;
            this.slides = slides;
            this.out = out;
        }

        public Builder optTruth(Path truth) {
            this.truth = truth;
            return this;
        }

        public Builder optThreshold(double threshold) {
            this.threshold = threshold;
            return this;
        }

        public Builder optStride(int stride) {
            this.stride = stride;
            return this;
        }

        public Builder optMpp(Double mpp) {
            this.mpp = mpp;
            return this;
        }

        public Builder optAssumeMpp(Double assumeMpp) {
            this.assumeMpp = assumeMpp;
            return this;
        }

        public Builder optBatch(int batch) {
            this.batch = batch;
            return this;
        }

        public Builder optDevice(String device) {
            this.device = device;
            return this;
        }

        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder optReaders(int readers) {
            this.readers = readers;
            return this;
        }

        public Builder optBackend(String backend) {
            this.backend = backend;
            return this;
        }

        public StageRequest build() {
            return new StageRequest(model, slides, out, truth, threshold, stride, mpp, assumeMpp, batch, device,
                    threads, readers, backend);
        }
    }
}
