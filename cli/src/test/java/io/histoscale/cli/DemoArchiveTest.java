package io.histoscale.cli;

import io.histoscale.slide.camelyon.SlideLabel;
import io.histoscale.staging.Agreement;
import io.histoscale.staging.Heatmap;
import io.histoscale.staging.SlideResult;
import io.histoscale.staging.StageTable;
import io.histoscale.staging.Stager;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's lesion threshold ({@link DemoCommand#STAGE_THRESHOLD}) is chosen on its annotated archive, never on the
 * patients it stages. This checks the claim where it was made: the demo's own archive, tiled and trained on exactly as
 * the demo does, then staged at that threshold, has every slide labelled right, no negative slide reaching the
 * threshold and every slide with isolated tumour cells peaking above it.
 */
@Tag("demo")
class DemoArchiveTest {

    @TempDir
    Path dir;

    @Test
    void theDemosThresholdLabelsEveryArchiveSlideRight() throws Exception {
        assertThat(DemoCommand.trainOnArchive(dir, 6, 17, 2)).isZero();
        Path archive = dir.resolve("archive");
        StageCommand stage = picocli.CommandLine.populateCommand(new StageCommand(), "--model",
                dir.resolve("run").toString(), "--slides", archive.toString(), "--truth",
                archive.resolve("stage_labels.csv").toString(), "--threshold",
                Double.toString(DemoCommand.STAGE_THRESHOLD), "--threads", "2", "--out", dir.resolve("report").toString());
        Stager.Outcome o = stage.stage();
        assertThat(o.failed()).isEmpty();
        assertThat(o.slides()).hasSize(30);

        Agreement agreement = o.written().agreement().orElseThrow();
        assertThat(agreement.slideLabels().accuracy()).isEqualTo(1.0);
        Map<String, SlideLabel> truth = StageTable.read(stage.truth).slideLabels();
        double negativePeak = 0;
        double faintestItc = Double.POSITIVE_INFINITY;
        for (SlideResult s : o.slides()) {
            double peak = peak(s.heatmap());
            SlideLabel expected = truth.get(s.slideName());
            if (expected == SlideLabel.NEGATIVE) {
                negativePeak = Math.max(negativePeak, peak);
            } else if (expected == SlideLabel.ITC) {
                faintestItc = Math.min(faintestItc, peak);
            }
        }
        System.out.printf("demo archive: highest probability on a negative slide %.4f, faintest ITC peak %.3f, "
                + "threshold %.2f%n", negativePeak, faintestItc, DemoCommand.STAGE_THRESHOLD);
        assertThat(negativePeak).isLessThan(DemoCommand.STAGE_THRESHOLD);
        assertThat(faintestItc).isGreaterThan(DemoCommand.STAGE_THRESHOLD).isLessThan(Double.POSITIVE_INFINITY);
    }

    private static double peak(Heatmap h) {
        double max = 0;
        for (int r = 0; r < h.rows(); r++) {
            for (int c = 0; c < h.columns(); c++) {
                if (h.isValid(c, r)) {
                    max = Math.max(max, h.get(c, r));
                }
            }
        }
        return max;
    }
}
