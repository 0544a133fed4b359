package io.histoscale.staging;

import io.histoscale.core.UserException;
import io.histoscale.slide.Slide;
import io.histoscale.slide.Slides;
import io.histoscale.slide.camelyon.SlideLabel;
import io.histoscale.synth.SyntheticSlide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Whole-slide inference over a real generated slide read through OpenSlide. The model here is a fixed colour rule
 * (tumour nuclei make patches darker), so the test checks the sliding window, batching and heatmap geometry, not
 * learning.
 */
class SlideInferenceTest {
    @TempDir
    Path dir;

    /** Tumour when the patch's mean red channel is low: crowded dark nuclei. */
    static final class DarknessRule implements PatchClassifier {
        final AtomicLong seen = new AtomicLong();

        @Override
        public int patchSize() {
            return 32;
        }

        @Override
        public double mpp() {
            return 4.0;
        }

        @Override
        public float[] tumourProbabilities(ByteBuffer batch, int count) {
            float[] p = new float[count];
            int bytes = patchSize() * patchSize() * 3;
            for (int i = 0; i < count; i++) {
                long red = 0;
                for (int j = 0; j < bytes; j += 3) red += batch.get(i * bytes + j) & 0xff;
                double mean = red / (bytes / 3.0);
                p[i] = (float) (1 / (1 + Math.exp((mean - 175) / 4)));
            }
            seen.addAndGet(count);
            return p;
        }
    }

    @Test
    void heatmapFindsTheTumourAndMeasuresIt() {
        Path tif = dir.resolve("micro.tif");
        SyntheticSlide s = SyntheticSlide.builder().optSizeMm(4, 4).optMpp(1.0).optSeed(21).addTumour(1.5).build();
        s.writeTiff(tif);
        DarknessRule rule = new DarknessRule();
        AtomicLong progress = new AtomicLong();
        SlideInference.Result r;
        try (Slide slide = Slides.open(tif)) {
            r = SlideInference.builder().optBatchSize(16).optReaders(2).build().run(slide, rule, progress::addAndGet);
        }
        assertThat(r.patches()).isEqualTo(rule.seen.get()).isEqualTo(progress.get()).isEqualTo(r.heatmap().validCount());
        assertThat(r.heatmap().geometry().cellSizeUm()).isCloseTo(128, within(1e-6));
        List<Lesion> lesions = LesionDetector.builder().build().detect(r.heatmap());
        assertThat(lesions).isNotEmpty();
        double truth = s.truth().largestDiameterMm();
        assertThat(lesions.get(0).diameterMm()).isCloseTo(truth, within(Math.max(0.1 * truth, 0.128)));
        assertThat(SlideLabel.ofLargestLesionMm(lesions.get(0).diameterMm())).isEqualTo(SlideLabel.MICRO);
        assertThat(r.ioWaitShare()).isBetween(0.0, 1.0);
    }

    @Test
    void aSlideWithoutResolutionIsReadOnceOneIsAssumed() {
        // A generic TIFF whose 72 dpi is an image editor's placeholder: it records no resolution.
        Path boxes = Path.of(System.getProperty("histoscale.shared.data", "../shared/data"), "slides",
                "openslide-python-boxes.tiff");
        assumeTrue(Files.isRegularFile(boxes), "shared data absent: " + boxes);
        SlideInference inference = SlideInference.builder().optReaders(1).build();
        try (Slide slide = Slides.open(boxes)) {
            assertThatThrownBy(() -> inference.run(slide, new DarknessRule(), n -> { }))
                    .isInstanceOf(UserException.class)
                    .extracting(e -> ((UserException) e).key()).isEqualTo(Optional.of("assume_mpp"));
        }
        try (Slide slide = Slides.withAssumedMpp(Slides.open(boxes), 1.0)) {
            SlideInference.Result r = inference.run(slide, new DarknessRule(), n -> { });
            assertThat(r.grid().slideMpp()).isEqualTo(1.0);
            assertThat(r.grid().level0Size()).isCloseTo(128, within(1.0)); // 32 pixels of 4 µm, read from level 2
        }
    }
}
