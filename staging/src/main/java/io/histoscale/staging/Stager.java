package io.histoscale.staging;

import io.histoscale.core.UserException;
import io.histoscale.slide.Slide;
import io.histoscale.slide.Slides;
import io.histoscale.slide.tissue.SlideThumbnail;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * From slides and a trained patch model to a staged report: per slide a heatmap, its lesions and label; per patient a
 * pN stage; then {@link StagingReport} writes the files. A slide that cannot be read is reported and the rest staged.
 */
public final class Stager {
    /** Longest side of the thumbnails the heatmaps are drawn on. */
    static final int THUMBNAIL_SIDE = 1024;

    public interface Listener {
        default void slideStarted(String slide, int index, int total) {
        }

        default void patchesDone(int count) {
        }
    }

    /**
     * @param written        what the report wrote (stages, agreement with truth, the page)
     * @param slides         per-slide results, in the order given
     * @param failed         slides that could not be staged, each with its reason
     * @param patches        patches predicted over all slides
     * @param seconds        inference wall time over all slides
     * @param ioWaitSeconds  time the model waited on reading
     */
    public record Outcome(StagingReport.Written written, List<SlideResult> slides, List<Failure> failed, long patches,
                          double seconds, double ioWaitSeconds) {
    }

    public record Failure(Path slide, String message) {
    }

    private final SlideInference inference;
    private final LesionDetector detector;
    private final StagingReport report;
    private final Function<Path, Slide> opener;

    private Stager(Builder b) {
        inference = b.inference;
        detector = b.detector;
        report = b.report;
        opener = b.opener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * What can be checked before any slide is read: the slides' names and the truth ({@link StagingReport#check}).
     *
     * @throws UserException listing every slide that does not fit
     */
    public void check(List<Path> slidePaths) {
        report.check(slidePaths.stream().map(p -> p.getFileName().toString()).toList());
    }

    /**
     * Stages the slides ({@link #check}ed first, so that a mismatch costs no inference).
     *
     * @throws UserException when the slides do not fit ({@link #check}) or none could be staged
     */
    public Outcome run(List<Path> slidePaths, PatchClassifier model, Path outDir, Listener listener) {
        check(slidePaths);
        List<SlideResult> results = new ArrayList<>();
        List<Failure> failed = new ArrayList<>();
        long patches = 0;
        double seconds = 0, wait = 0;
        for (int i = 0; i < slidePaths.size(); i++) {
            Path path = slidePaths.get(i);
            String name = path.getFileName().toString();
            listener.slideStarted(name, i, slidePaths.size());
            try (Slide slide = opener.apply(path)) {
                SlideInference.Result r = inference.run(slide, model, listener::patchesDone);
                List<Lesion> lesions = detector.detect(r.heatmap());
                double downsample = Math.max(1, Math.max(slide.width(0), slide.height(0)) / (double) THUMBNAIL_SIDE);
                BufferedImage thumbnail = SlideThumbnail.read(slide, downsample);
                results.add(new SlideResult(name, r.heatmap(),
                        HeatmapOverlay.render(thumbnail, downsample, r.heatmap(), lesions), lesions));
                patches += r.patches();
                seconds += r.seconds();
                wait += r.ioWaitSeconds();
            } catch (UserException e) {
                failed.add(new Failure(path, e.getMessage()));
            }
        }
        if (results.isEmpty()) {
            throw new UserException("no slide could be staged: " + failed.stream().map(Failure::message).toList());
        }
        return new Outcome(report.write(results, outDir), results, failed, patches, seconds, wait);
    }

    public static final class Builder {
        private SlideInference inference = SlideInference.builder().build();
        private LesionDetector detector = LesionDetector.builder().build();
        private StagingReport report = StagingReport.builder().build();
        private Function<Path, Slide> opener = Slides::open;

        public Builder optInference(SlideInference inference) {
            this.inference = inference;
            return this;
        }

        public Builder optDetector(LesionDetector detector) {
            this.detector = detector;
            return this;
        }

        public Builder optReport(StagingReport report) {
            this.report = report;
            return this;
        }

        /**
         * How slides are opened (default {@link Slides#open(Path)}); for slides whose files record no resolution,
         * {@code p -> Slides.withAssumedMpp(Slides.open(p), mpp)}.
         */
        public Builder optOpener(Function<Path, Slide> opener) {
            this.opener = opener;
            return this;
        }

        public Stager build() {
            return new Stager(this);
        }
    }
}
