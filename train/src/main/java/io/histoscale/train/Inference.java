package io.histoscale.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.histoscale.train.data.BatchLoader;
import io.histoscale.train.data.HostBatch;
import io.histoscale.train.metrics.Predictions;

import java.util.List;
import java.util.function.IntConsumer;

/**
 * Class probabilities of a model for patches, batch by batch, with batch normalisation in inference mode. Public so
 * that federated training (the federation module) scores global and per-site models exactly as training does.
 */
public final class Inference {

    private Inference() {
    }

    /**
     * Scores patches.
     *
     * @param progress told the number of patches of each finished batch
     */
    public static Predictions predict(Model model, BatchLoader loader, long[] indices, List<String> classes,
                               IntConsumer progress) {
        ParameterStore parameters = new ParameterStore(model.getNDManager(), false);
        Predictions predictions = new Predictions(classes);
        int k = classes.size();
        try (BatchLoader.Batches batches = loader.evaluation(indices)) {
            while (batches.hasNext()) {
                HostBatch batch = batches.next();
                float[] probabilities;
                try (NDManager manager = model.getNDManager().newSubManager()) {
                    NDArray logits = model.getBlock()
                            .forward(parameters, new NDList(batch.images(manager)), false).singletonOrThrow();
                    probabilities = logits.softmax(1).toFloatArray();
                }
                float[] row = new float[k];
                for (int i = 0; i < batch.count(); i++) {
                    System.arraycopy(probabilities, i * k, row, 0, k);
                    predictions.add(batch.indices()[i], batch.labels()[i], row);
                }
                progress.accept(batch.count());
            }
        }
        return predictions;
    }
}
