package io.histoscale.staging;

import io.histoscale.core.UserException;
import io.histoscale.train.ModelDataCheck;
import io.histoscale.train.RunInfo;
import io.histoscale.train.TrainedModel;

import java.nio.ByteBuffer;
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
     * @param mpp the patches' µm/px, or null for those the run was trained on
     * @throws UserException as {@link #check} does, or when the run cannot be loaded
     */
    public static RunClassifier load(Path runDir, String device, int threads, Double mpp) {
        double at = check(runDir, mpp);
        return new RunClassifier(TrainedModel.load(runDir, device, threads), at);
    }

    /**
     * Checks, without loading the model, that the run can score slides as it was trained, and returns the µm per
     * pixel it will: {@code mpp} when given, else the one it was trained at ({@link ModelDataCheck#trainingMpp}).
     *
     * @throws UserException keyed {@code mpp} when {@code mpp} is not the recorded training one (beyond
     *                       {@link ModelDataCheck#MPP_TOLERANCE}) or neither is known; unkeyed for a run whose
     *                       record contradicts itself ({@link ModelDataCheck#checkModel})
     */
    public static double check(Path runDir, Double mpp) {
        RunInfo run = RunInfo.read(runDir);
        ModelDataCheck.checkModel(run, runDir);
        double trained = ModelDataCheck.trainingMpp(run);
        if (mpp != null) {
            if (trained > 0 && ModelDataCheck.differ(trained, mpp)) {
                throw UserException.forKey("mpp", ModelDataCheck.format(mpp) + " µm/px is not the "
                        + ModelDataCheck.format(trained) + " µm/px the model was trained at (its training data "
                        + run.data().path() + "): a network recognises tissue at the magnification it learnt; "
                        + "leave it out to stage at " + ModelDataCheck.format(trained) + " µm/px");
            }
            return mpp;
        }
        if (trained > 0) return trained;
        throw UserException.forKey("mpp", "needed: the µm/px of the patches " + runDir + " was trained on is "
                + "unknown (its data " + run.data().path() + " records none, or is not a patch store here): give it");
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
