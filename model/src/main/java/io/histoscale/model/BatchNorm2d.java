package io.histoscale.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Batch normalisation over the channels of NCHW input, PyTorch's {@code BatchNorm2d} (eps 1e-5, momentum 0.1).
 *
 * <p>DJL's {@code BatchNorm} on the PyTorch engine wraps the call in two axis swaps, so its output is a view; the
 * in-place residual sum on that view then makes autograd copy whole activations ({@code CopySlices}, about 12 ms of
 * a ResNet-18 training step at batch 64, 96 px, on 2 cores). This block calls PyTorch's batch norm directly. Its
 * parameters have the same names as DJL's ({@code gamma}, {@code beta}, {@code runningMean}, {@code runningVar}).
 */
public final class BatchNorm2d extends AbstractBlock {

    private static final byte VERSION = 1;
    private static final double EPSILON = 1e-5;
    /** Weight of the batch's statistics in the running ones (PyTorch's convention). */
    private static final double MOMENTUM = 0.1;

    private final Parameter gamma;
    private final Parameter beta;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private long channels;

    public BatchNorm2d() {
        super(VERSION);
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA).build());
        beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA).build());
        runningMean = addParameter(Parameter.builder().setName("runningMean").setType(Parameter.Type.RUNNING_MEAN)
                .optRequiresGrad(false).build());
        runningVar = addParameter(Parameter.builder().setName("runningVar").setType(Parameter.Type.RUNNING_VAR)
                .optRequiresGrad(false).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray input = inputs.singletonOrThrow();
        Device device = input.getDevice();
        return new NDList(JniUtils.batchNorm((PtNDArray) input,
                // JniUtils names these arguments wrongly; the native order is mean, variance, weight, bias
                (PtNDArray) parameterStore.getValue(runningMean, device, training),
                (PtNDArray) parameterStore.getValue(runningVar, device, training),
                (PtNDArray) parameterStore.getValue(gamma, device, training),
                (PtNDArray) parameterStore.getValue(beta, device, training),
                training, MOMENTUM, EPSILON));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void beforeInitialize(Shape... inputShapes) {
        super.beforeInitialize(inputShapes);
        channels = inputShapes[0].get(1);
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        for (Parameter p : new Parameter[] {gamma, beta, runningMean, runningVar}) {
            p.setShape(new Shape(channels));
        }
    }
}
