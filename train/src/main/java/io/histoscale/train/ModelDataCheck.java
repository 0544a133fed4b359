package io.histoscale.train;

import io.histoscale.core.UserException;
import io.histoscale.dataset.PatchSource;
import io.histoscale.dataset.store.PatchStore;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether data about to be scored are what a model was trained on: the same classes, patch size and µm per pixel,
 * and a stain normalisation the model's record can apply.
 *
 * <p>What makes the scores meaningless is refused, naming both values: other classes (the outputs would be read as
 * the wrong class), another patch size, another magnification (more than {@link #MPP_TOLERANCE} apart: a network
 * recognises tissue at the scale it learnt), a record that says Macenko without the stains to normalise with. What
 * cannot be checked is a warning, since the user may know better: data or a model whose µm per pixel is unknown (image
 * folders record none). Patch stores record no stain processing (tiling never normalises), so normalisation is
 * checked on the model's side only: evaluation and inference apply the run's own stains.
 */
public final class ModelDataCheck {
    /**
     * Relative difference of µm per pixel beyond which model and data are at different magnifications. Stores tiled
     * at the same target differ by a few per cent (levels within 3 % are used as they are); 20x against 40x is 100 %.
     */
    public static final double MPP_TOLERANCE = 0.1;

    private ModelDataCheck() {
    }

    /**
     * The µm per pixel of the patches a run's model was trained on: what {@code run.json} records, else (runs from
     * before it was recorded) what its patch store says if it is still there; NaN when unknown.
     */
    public static double trainingMpp(RunInfo run) {
        if (run.data().mpp() != null) return run.data().mpp();
        Path store = Path.of(run.data().path());
        if (Files.exists(store.resolve("manifest.json"))) {
            try (PatchStore s = PatchStore.open(store)) {
                return DataSources.patchMpp(s);
            }
        }
        return Double.NaN;
    }

    /**
     * Checks that a run's record can be applied as it was trained.
     *
     * @throws UserException when it says Macenko stain normalisation but records no reference stains, or none but
     *                       records stains
     */
    public static void checkModel(RunInfo run, Path runDir) {
        StainNormalisation said = run.config().stainNormalisation();
        boolean stains = run.stainReference() != null;
        if (said == StainNormalisation.MACENKO && !stains) {
            throw new UserException(runDir.resolve(RunInfo.FILE) + " says stain normalisation " + said.id()
                    + " but records no reference stains: the model would score patches unnormalised, unlike those it"
                    + " learnt from; train it again");
        }
        if (said != StainNormalisation.MACENKO && stains) {
            throw new UserException(runDir.resolve(RunInfo.FILE) + " says stain normalisation " + said.id()
                    + " but records reference stains: it is not clear how the model was trained; train it again");
        }
    }

    /**
     * Checks patches about to be scored by a run's model: classes, patch size and µm per pixel.
     *
     * @param dataName how messages name the data (its path)
     * @return warnings about what could not be checked
     * @throws UserException keyed {@code data} naming both values when they do not fit
     */
    public static List<String> check(RunInfo run, PatchSource data, String dataName) {
        if (!data.labelNames().isEmpty() && !data.labelNames().equals(run.data().labels())) {
            throw UserException.forKey("data", dataName + ": its classes " + data.labelNames()
                    + " are not the model's " + run.data().labels());
        }
        checkSize(run, data);
        List<String> warnings = new ArrayList<>();
        compareMpp(trainingMpp(run), "the model's training patches", "its training data " + run.data().path(),
                DataSources.patchMpp(data), dataName, "data").ifPresent(warnings::add);
        return warnings;
    }

    /** @throws UserException when the data's patches are not the size the model was trained on */
    static void checkSize(RunInfo run, PatchSource source) {
        if (source.width() != run.data().width() || source.height() != run.data().height()) {
            throw new UserException(String.format(Locale.ROOT, "the data's patches are %dx%d, the model was trained "
                            + "on %dx%d: tile at the training size (or read folders with patch_size %d)",
                    source.width(), source.height(), run.data().width(), run.data().height(), run.data().width()));
        }
    }

    /**
     * Compares the µm per pixel of data with a model's (or with the patches a model learns from).
     *
     * @param modelMpp  the model's, NaN when unknown
     * @param modelName what has it, for messages ({@code the model's training patches})
     * @param modelFrom where that value comes from, for messages
     * @param dataMpp   the data's, NaN when unknown
     * @param dataName  how messages name the data
     * @param key       the configuration key a refusal is about
     * @return a warning when one of them is unknown and the other known
     * @throws UserException keyed {@code key} naming both when they are more than {@link #MPP_TOLERANCE} apart
     */
    public static Optional<String> compareMpp(double modelMpp, String modelName, String modelFrom, double dataMpp,
                                              String dataName, String key) {
        boolean model = modelMpp > 0, data = dataMpp > 0;
        if (model && data && differ(modelMpp, dataMpp)) {
            throw UserException.forKey(key, dataName + ": patches of " + format(dataMpp) + " µm/px, but " + modelName
                    + " are " + format(modelMpp) + " µm/px (" + modelFrom + "): a network recognises tissue at the "
                    + "magnification it learnt; tile the slides at " + format(modelMpp) + " µm/px");
        }
        if (model && !data) {
            return Optional.of(dataName + " records no µm/px (an image folder?): it cannot be checked against the "
                    + format(modelMpp) + " µm/px of " + modelName + "; make sure it is at that resolution");
        }
        if (!model && data) {
            return Optional.of("the µm/px of " + modelName + " is unknown (" + modelFrom + " records none): it "
                    + "cannot be checked against the " + format(dataMpp) + " µm/px of " + dataName);
        }
        return Optional.empty();
    }

    /** Whether two resolutions are more than {@link #MPP_TOLERANCE} apart. */
    public static boolean differ(double a, double b) {
        return Math.abs(a - b) > MPP_TOLERANCE * Math.min(a, b);
    }

    /** µm per pixel as people write it: 8, 0.5, 0.252. */
    public static String format(double mpp) {
        return BigDecimal.valueOf(mpp).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
