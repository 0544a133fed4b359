package io.histoscale.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.histoscale.core.UserException;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.TorchEngine;
import io.histoscale.train.augment.Augmentation;
import io.histoscale.train.augment.Macenko;
import io.histoscale.train.augment.PatchTransform;
import io.histoscale.train.data.HostBatch;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The best model of a finished training run, ready to score raw patches as the tiler cuts them: the same input
 * transform as in evaluation (down-sampling, centre crop, stain normalisation), batch norm in inference mode.
 */
public final class TrainedModel implements AutoCloseable {
    private final RunInfo run;
    private final Model model;
    private final PatchTransform transform;
    private final ParameterStore parameters;
    private final int positive;
    private ByteBuffer input;

    private TrainedModel(RunInfo run, Model model) {
        this.run = run;
        this.model = model;
        Macenko normaliser = run.stainReference() == null ? null : new Macenko(run.stainReference());
        this.transform = new PatchTransform(run.data().width(), run.data().height(), run.model().downsample(),
                run.model().inputSize(), Augmentation.NONE, normaliser);
        this.parameters = new ParameterStore(model.getNDManager(), false);
        this.positive = run.positiveClass();
    }

    /** Loads the best checkpoint of the run in {@code runDir} onto {@code device} ("cpu", "gpu", "gpu:N"). */
    public static TrainedModel load(Path runDir, String device, int threads) {
        RunInfo run = RunInfo.read(runDir);
        if (run.split() == null) {
            throw new UserException(runDir + " is a cross-validation run: use one of its folds (" + runDir + "/fold-0, ...)");
        }
        ModelDataCheck.checkModel(run, runDir);
        TorchEngine engine = TorchEngine.start(new EngineSettings(threads, 1, run.config().seed()));
        Path checkpoint = runDir.resolve(RunFolder.BEST);
        Model model = Evaluation.load(run, Evaluation.read(checkpoint), checkpoint, engine.device(device));
        return new TrainedModel(run, model);
    }

    public RunInfo run() {
        return run;
    }

    /** Side of the stored patches the model takes, in pixels. */
    public int patchSize() {
        return run.data().width();
    }

    /** Name of the class whose probability {@link #positiveProbabilities} returns. */
    public String positiveClass() {
        return run.data().labels().get(positive);
    }

    /**
     * Probability of the positive class for {@code count} patches of HWC uint8 RGB at {@link #patchSize()}, back to
     * back from position 0 of {@code patches}. Pixels go to the model's device once per batch.
     */
    public synchronized float[] positiveProbabilities(ByteBuffer patches, int count) {
        int in = run.data().width() * run.data().height() * 3, out = transform.outputBytes();
        if (input == null || input.capacity() < count * out) input = ByteBuffer.allocateDirect(count * out);
        input.clear();
        byte[] hwc = new byte[in];
        for (int i = 0; i < count; i++) {
            patches.get(i * in, hwc);
            transform.apply(hwc, input, null);
        }
        input.flip();
        int size = transform.size(), k = run.data().labels().size();
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray images = HostBatch.images(manager, input, count, size);
            float[] all = model.getBlock().forward(parameters, new NDList(images), false).singletonOrThrow()
                    .softmax(1).toFloatArray();
            float[] p = new float[count];
            for (int i = 0; i < count; i++) p[i] = all[i * k + positive];
            return p;
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
