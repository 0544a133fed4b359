package io.histoscale.train;

import ai.djl.Device;
import ai.djl.Model;
import io.histoscale.core.UserException;
import io.histoscale.dataset.PatchSource;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.FlatParameters;
import io.histoscale.model.TorchEngine;
import io.histoscale.train.augment.Augmentation;
import io.histoscale.train.augment.Macenko;
import io.histoscale.train.augment.PatchTransform;
import io.histoscale.train.checkpoint.Checkpoint;
import io.histoscale.train.data.BatchLoader;
import io.histoscale.train.metrics.Metrics;
import io.histoscale.train.metrics.Predictions;

import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.stream.LongStream;

/**
 * Scores patches with a trained run's model (its {@code best.ckpt}) and measures how well it does.
 *
 * <pre>{@code
 * Evaluation.Result r = Evaluation.of(runDir).evaluate(store, Evaluation.Part.ALL, "cpu", 2, 64, 1, n -> { });
 * }</pre>
 */
public final class Evaluation {

    /** Which patches of the data to score: all, or those of the run's training or validation groups. */
    public enum Part {
        ALL, TRAIN, VAL
    }

    /**
     * What a model did on some patches.
     *
     * @param checkpoint    the weights used
     * @param epoch         the epoch they come from
     * @param positiveClass class AUC, sensitivity and specificity refer to
     * @param metrics       the measures over labelled patches
     * @param predictions   every patch's class probabilities
     */
    public record Result(Path checkpoint, int epoch, String positiveClass, Metrics metrics, Predictions predictions) {
    }

    private final RunInfo run;
    private final Path checkpoint;
    private final Checkpoint weights;

    private Evaluation(RunInfo run, Path checkpoint, Checkpoint weights) {
        this.run = run;
        this.checkpoint = checkpoint;
        this.weights = weights;
    }

    /**
     * The model of the training run in {@code runDir}.
     *
     * @throws UserException when it is not a run, a cross-validation parent, or has no model yet
     */
    public static Evaluation of(Path runDir) {
        RunInfo run = RunInfo.read(runDir);
        if (run.split() == null) {
            throw new UserException(runDir + " is a cross-validation run: evaluate one of its folds (" + runDir
                    + "/fold-0, ...)");
        }
        ModelDataCheck.checkModel(run, runDir);
        Path checkpoint = runDir.resolve(RunFolder.BEST);
        return new Evaluation(run, checkpoint, read(checkpoint));
    }

    public RunInfo run() {
        return run;
    }

    /**
     * Checks that {@code source} is data the model can score ({@link ModelDataCheck#check}), before any is scored.
     *
     * @param dataName how messages name the data (its path)
     * @return warnings about what could not be checked (data that record no µm per pixel)
     * @throws UserException naming both values when classes, patch size or µm per pixel do not fit
     */
    public List<String> check(PatchSource source, String dataName) {
        return ModelDataCheck.check(run, source, dataName);
    }

    /**
     * Scores patches of {@code source}.
     *
     * @param progress told the number of patches of each finished batch
     * @throws UserException when the data do not fit the model ({@link #check})
     */
    public Result evaluate(PatchSource source, Part part, String device, int threads, int batchSize, int workers,
                           IntConsumer progress) {
        check(source, String.valueOf(source));
        long[] indices = switch (part) {
            case ALL -> LongStream.range(0, source.size()).toArray();
            case TRAIN -> Groups.indices(source, run.split().groupBy(), run.split().trainGroups());
            case VAL -> Groups.indices(source, run.split().groupBy(), run.split().valGroups());
        };
        TorchEngine engine = TorchEngine.start(new EngineSettings(threads, 1, run.config().seed()));
        try (Model model = load(run, weights, checkpoint, engine.device(device))) {
            Predictions predictions = predict(run, model, source, indices, batchSize, workers, progress);
            return new Result(checkpoint, weights.header().path("epoch").asInt(),
                    run.data().labels().get(run.positiveClass()), predictions.metrics(run.positiveClass()),
                    predictions);
        }
    }

    /** The model checkpoint of a run. */
    static Checkpoint read(Path checkpoint) {
        if (!Checkpoint.exists(checkpoint)) {
            throw new UserException(checkpoint + " does not exist: the run has not finished an epoch yet");
        }
        return Checkpoint.read(checkpoint);
    }

    /** A run's network on {@code device} with the weights of a checkpoint read from {@code file}. */
    static Model load(RunInfo run, Checkpoint weights, Path file, Device device) {
        Model model = run.model().spec().newModel(device);
        Weights.load(weights, FlatParameters.of(model), file);
        return model;
    }

    /** Evaluation inputs of the run's kind (size, down-sampling, stain normalisation), scored by {@code model}. */
    static Predictions predict(RunInfo run, Model model, PatchSource source, long[] indices, int batchSize,
                               int workers, IntConsumer progress) {
        ModelDataCheck.checkSize(run, source);
        Macenko normaliser = run.stainReference() == null ? null : new Macenko(run.stainReference());
        PatchTransform transform = new PatchTransform(source.width(), source.height(), run.model().downsample(),
                run.model().inputSize(), Augmentation.NONE, normaliser);
        try (BatchLoader loader = BatchLoader.builder(source, transform).setBatchSize(batchSize).optWorkers(workers)
                .build()) {
            return Inference.predict(model, loader, indices, run.data().labels(), progress);
        }
    }

    /** The table columns {@link #csvCells} fills: where each patch comes from. */
    public static final List<String> CSV_COLUMNS = List.of("slide", "patient", "x", "y");

    /** Slide, patient and position of a patch, CSV-escaped. */
    public static List<String> csvCells(PatchSource source, long index) {
        var info = source.info(index);
        return List.of(csv(info.slide()), csv(info.patient()), Long.toString(info.x()), Long.toString(info.y()));
    }

    private static String csv(String value) {
        return value.contains(",") || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
