package io.histoscale.train.step;

import io.histoscale.model.FlatParameters;
import io.histoscale.model.ModelWeights;

import java.nio.FloatBuffer;
import java.util.function.Consumer;

/**
 * A pull towards reference weights: the loss gains {@code mu/2 |w - w_ref|^2}, so every trainable parameter's gradient
 * gains {@code mu (w - w_ref)}. FedProx's local objective (Li et al. 2020), with the round's global weights as the
 * reference. A gradient hook ({@link TrainStep.Builder#optGradientExchange}).
 */
public final class ProximalTerm implements Consumer<FlatParameters> {

    private final FloatBuffer reference;
    private final float mu;
    private final FloatBuffer weights;
    private final FloatBuffer gradients;

    /** @param mu the term's weight, positive */
    public ProximalTerm(ModelWeights reference, double mu) {
        if (!(mu > 0)) {
            throw new IllegalArgumentException("proximal weight " + mu + " is not positive");
        }
        int n = reference.parameters().capacity();
        this.reference = ModelWeights.floats(n);
        this.reference.put(reference.parameters().duplicate().rewind()).flip();
        this.mu = (float) mu;
        this.weights = ModelWeights.floats(n);
        this.gradients = ModelWeights.floats(n);
    }

    @Override
    public void accept(FlatParameters p) {
        int n = reference.capacity();
        p.exportParameters(weights.clear());
        p.readGradients(gradients.clear());
        for (int i = 0; i < n; i++) {
            gradients.put(i, gradients.get(i) + mu * (weights.get(i) - reference.get(i)));
        }
        p.writeGradients(gradients.rewind());
    }
}
