package io.histoscale.staging;

import io.histoscale.core.UserException;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.train.TrainedModel;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** A training run's best model as the {@link PatchClassifier} whole-slide inference drives. */
public final class RunClassifier implements PatchClassifier {
    private final TrainedModel model;
    private final double mpp;

    private RunClassifier(TrainedModel model, double mpp) {
        this.model = model;
        this.mpp = mpp;
    }

    /**
     * @param mpp the patches' µm/px, or null to take it from the patch store the run was trained on
     */
    public static RunClassifier load(Path runDir, String device, int threads, Double mpp) {
        TrainedModel model = TrainedModel.load(runDir, device, threads);
        try {
            return new RunClassifier(model, mpp != null ? mpp : trainingMpp(model, runDir));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static double trainingMpp(TrainedModel model, Path runDir) {
        Path store = Path.of(model.run().data().path());
        if (Files.exists(store.resolve("manifest.json"))) {
            try (PatchStore s = PatchStore.open(store)) {
                double mpp = s.size() > 0 ? s.info(0).mpp() : Double.NaN;
                if (mpp > 0) return mpp;
            }
        }
        throw new UserException("the µm/px of the patches " + runDir + " was trained on is unknown (its data " + store
                + " is not a patch store here): pass --mpp");
    }

    @Override
    public int patchSize() {
        return model.patchSize();
    }

    @Override
    public double mpp() {
        return mpp;
    }

    @Override
    public float[] tumourProbabilities(ByteBuffer batch, int count) {
        return model.positiveProbabilities(batch, count);
    }

    @Override
    public void close() {
        model.close();
    }
}
