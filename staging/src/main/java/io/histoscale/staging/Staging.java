package io.histoscale.staging;

import io.histoscale.dataset.tile.SlideFiles;
import io.histoscale.dataset.tile.Tiling;

import java.nio.file.Path;
import java.util.List;

/**
 * Carries out a {@link StageRequest}: loads the run's model, finds the slides, and runs inference, lesion detection
 * and the report ({@link Stager}). What every front end calls.
 */
public final class Staging {

    private Staging() {
    }

    /**
     * Stages the request's slides; slides that fail are reported in the outcome, the others go on. The slides and
     * the truth are {@link #check}ed before the model is loaded.
     *
     * @throws io.histoscale.core.UserException for a bad model, setting or truth table, or when no slide could be
     *                                          staged
     */
    public static Stager.Outcome run(StageRequest request, Stager.Listener listener) {
        Prepared p = prepare(request);
        int cores = Runtime.getRuntime().availableProcessors();
        try (RunClassifier classifier = RunClassifier.load(request.model(), request.device(),
                request.threads() > 0 ? request.threads() : cores, request.mpp())) {
            return p.stager().run(p.files(), classifier, request.out(), listener);
        }
    }

    /**
     * Checks in well under a second what would otherwise fail after loading the model or after the inference: the
     * model's record and µm per pixel ({@link RunClassifier#check}), the slides exist and name their patients, and
     * the truth table reads and matches them ({@link Stager#check}).
     *
     * @throws io.histoscale.core.UserException listing what does not match
     */
    public static void check(StageRequest request) {
        prepare(request);
    }

    private record Prepared(List<Path> files, Stager stager) {
    }

    private static Prepared prepare(StageRequest request) {
        RunClassifier.check(request.model(), request.mpp());
        List<Path> files = SlideFiles.expand(request.slides());
        SlideInference.Builder inference = SlideInference.builder().optBatchSize(request.batch());
        if (request.stride() > 0) {
            inference.optStride(request.stride());
        }
        if (request.readers() > 0) {
            inference.optReaders(request.readers());
        }
        StagingReport.Builder report = StagingReport.builder().addSetting("model", request.model().toString())
                .addSetting("threshold", Double.toString(request.threshold()));
        if (request.truth() != null) {
            report.optTruth(StageTable.read(request.truth()));
        }
        Stager stager = Stager.builder().optInference(inference.build())
                .optDetector(LesionDetector.builder().optThreshold(request.threshold()).build())
                .optReport(report.build()).optOpener(Tiling.opener(request.backend(), request.assumeMpp())).build();
        stager.check(files);
        return new Prepared(files, stager);
    }
}
