package io.histoscale.federation;

import ai.djl.Device;
import ai.djl.Model;
import io.histoscale.dataset.PatchSource;
import io.histoscale.model.FlatParameters;
import io.histoscale.train.Inference;
import io.histoscale.train.augment.Augmentation;
import io.histoscale.train.augment.PatchTransform;
import io.histoscale.train.data.BatchLoader;
import io.histoscale.train.metrics.Predictions;

/** Scores model states on held-out patches, the same patches and inputs for every strategy. */
public final class Evaluator implements AutoCloseable {

    private final PatchSource source;
    private final long[] indices;
    private final Model model;
    private final FlatParameters flat;
    private final BatchLoader loader;

    public Evaluator(PatchSource source, long[] indices, Plan.ModelPlan plan, Device device, int workers) {
        this.source = source;
        this.indices = indices;
        this.model = plan.spec().newModel(device);
        this.flat = FlatParameters.of(model);
        PatchTransform transform = new PatchTransform(source.width(), source.height(), plan.downsample,
                plan.inputSize, Augmentation.NONE, null);
        this.loader = BatchLoader.builder(source, transform).setBatchSize(64).optWorkers(workers).optPrefetch(2)
                .build();
    }

    /** Class probabilities of one state for every held-out patch, in index order. */
    public Predictions score(ModelWeights weights) {
        weights.into(flat);
        return Inference.predict(model, loader, indices, source.labelNames(), n -> { });
    }

    public int positiveClass() {
        return LocalTraining.positiveClass(source.labelNames());
    }

    @Override
    public void close() {
        loader.close();
        model.close();
    }
}
