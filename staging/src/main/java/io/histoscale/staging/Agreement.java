package io.histoscale.staging;

import io.histoscale.core.UserException;
import io.histoscale.slide.camelyon.PnStage;
import io.histoscale.slide.camelyon.SlideLabel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How predicted stages and slide labels compare with the truth, over the predicted patients and slides.
 *
 * @param stages         patients' true stages (rows) against predicted ones (columns)
 * @param kappa          quadratic-weighted kappa of the stages, NaN when undefined ({@link Kappa})
 * @param slideLabels    true against predicted labels of the predicted slides that the truth labels
 * @param truthOnly      patients the truth lists that were not predicted (left out of the comparison)
 */
public record Agreement(ConfusionMatrix<PnStage> stages, double kappa, ConfusionMatrix<SlideLabel> slideLabels,
                        List<String> truthOnly) {

    public Agreement {
        truthOnly = List.copyOf(truthOnly);
    }

    /**
     * Compares every predicted patient with its true stage (its patient row, or what its true slide labels give).
     *
     * @throws UserException when the truth has no stage for a predicted patient
     */
    public static Agreement of(StageTable predicted, StageTable truth) {
        Map<String, PnStage> trueStages = truth.stages();
        List<PnStage> t = new ArrayList<>(), p = new ArrayList<>();
        predicted.stages().forEach((patient, stage) -> {
            PnStage expected = trueStages.get(patient);
            if (expected == null) {
                throw new UserException("the truth has no stage for " + patient + ": add its row (" + patient
                        + ".zip,STAGE) or its slides' rows to the truth file, or leave the patient's slides out");
            }
            t.add(expected);
            p.add(stage);
        });
        List<SlideLabel> ts = new ArrayList<>(), ps = new ArrayList<>();
        predicted.slideLabels().forEach((slide, label) -> {
            SlideLabel expected = truth.slideLabels().get(slide);
            if (expected != null) {
                ts.add(expected);
                ps.add(label);
            }
        });
        List<String> truthOnly = trueStages.keySet().stream().filter(k -> !predicted.stages().containsKey(k)).toList();
        ConfusionMatrix<PnStage> stages = ConfusionMatrix.of(PnStage.class, t, p);
        return new Agreement(stages, stages.quadraticWeightedKappa(), ConfusionMatrix.of(SlideLabel.class, ts, ps), truthOnly);
    }
}
