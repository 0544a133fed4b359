package io.histoscale.federation;

import ai.djl.Device;
import ai.djl.Model;
import io.histoscale.core.UserException;
import io.histoscale.dataset.PatchSource;
import io.histoscale.dataset.PositiveClass;
import io.histoscale.model.FlatParameters;
import io.histoscale.model.ModelWeights;
import io.histoscale.train.Inference;
import io.histoscale.train.TrainConfig;
import io.histoscale.train.Training;
import io.histoscale.train.augment.Augmentation;
import io.histoscale.train.augment.Macenko;
import io.histoscale.train.augment.PatchTransform;
import io.histoscale.train.data.BatchLoader;
import io.histoscale.train.metrics.Predictions;

/**
 * Scores model states on held-out patches, the same patches and inputs for every strategy, with the training settings'
 * positive-class rule and stain normalisation.
 */
public final class Evaluator implements AutoCloseable {

    private final PatchSource source;
    private final long[] indices;
    private final Model model;
    private final FlatParameters flat;
    private final BatchLoader loader;
    private final int positiveClass;

    public Evaluator(PatchSource source, long[] indices, Plan.ModelPlan plan, TrainConfig training, Device device,
                     int workers) {
        this.source = source;
        this.indices = indices;
        this.model = plan.spec().newModel(device);
        this.flat = FlatParameters.of(model);
        Macenko.Stains stains = Training.stainReference(training, source, plan.downsample, plan.inputSize, indices);
        PatchTransform transform = new PatchTransform(source.width(), source.height(), plan.downsample,
                plan.inputSize, Augmentation.NONE, stains == null ? null : new Macenko(stains));
        this.loader = BatchLoader.builder(source, transform).setBatchSize(64).optWorkers(workers).optPrefetch(2)
                .build();
        this.positiveClass = PositiveClass.of(training.positiveClass(), source.labelNames()).index();
    }

    /**
     * Checks, before any round, that test patches can be scored by the plan's model: as many classes as it has
     * outputs, and patches large enough for its input once shrunk.
     *
     * @param name how messages name the test data (its path)
     * @throws UserException keyed {@code test.data}, naming both values
     */
    public static void check(PatchSource source, String name, Plan.ModelPlan plan) {
        if (source.labelNames().size() != plan.classes) {
            throw UserException.forKey("test.data", name + ": its classes " + source.labelNames() + " are not the "
                    + plan.classes + " classes of the plan's model");
        }
        int available = Math.min(source.width(), source.height()) / Math.max(1, plan.downsample);
        if (available < plan.inputSize) {
            throw UserException.forKey("test.data", name + ": its " + source.width() + "x" + source.height()
                    + " patches" + (plan.downsample > 1 ? " shrunk " + plan.downsample + " times" : "") + " give inputs"
                    + " of at most " + available + " pixels, the plan's model takes " + plan.inputSize
                    + " (its input_size)");
        }
    }

    /** Class probabilities of one state for every held-out patch, in index order. */
    public Predictions score(ModelWeights weights) {
        weights.into(flat);
        return Inference.predict(model, loader, indices, source.labelNames(), n -> { });
    }

    /** The class AUC refers to, by the training settings' rule ({@link PositiveClass}). */
    public int positiveClass() {
        return positiveClass;
    }

    @Override
    public void close() {
        loader.close();
        model.close();
    }
}
