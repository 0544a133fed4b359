package io.histoscale.staging;

import java.nio.ByteBuffer;

/**
 * What whole-slide inference needs of a trained model: its input geometry and tumour probabilities for a batch.
 * Implemented over a training run's saved model; kept this small so staging does not depend on how models train.
 */
public interface PatchClassifier extends AutoCloseable {

    /** Patch side in pixels the model was trained on. */
    int patchSize();

    /** Micrometres per pixel of the patches the model was trained on. */
    double mpp();

    /**
     * Tumour probability of each patch in {@code batch}: {@code count} patches of HWC uint8 RGB, back to back, from
     * position 0. Implementations move the batch to their device once.
     */
    float[] tumourProbabilities(ByteBuffer batch, int count);

    @Override
    default void close() {
    }
}
