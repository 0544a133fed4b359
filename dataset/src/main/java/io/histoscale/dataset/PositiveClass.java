package io.histoscale.dataset;

import io.histoscale.core.UserException;

import java.util.List;
import java.util.Locale;

/**
 * The class whose probability AUC, sensitivity, specificity, heatmaps and lesions refer to: one rule for training,
 * evaluation, federated training and staging, decided once per run and recorded in its metadata.
 *
 * <p>The rule: the class named explicitly (configuration key {@code positive_class}); else the first class whose
 * name, in any case, starts with {@code tumo} (tumour, Tumor, TUMOUR_CELLS, ...) or is {@code metastasis},
 * {@code metastases}, {@code carcinoma} or {@code cancer}; else the second class (index 1, the usual "positive" of a
 * 0/1 labelling).
 *
 * @param index the class's index among the data's classes
 * @param name  its name
 * @param rule  why it was chosen: {@code explicit}, {@code tumour name} or {@code second class}
 */
public record PositiveClass(int index, String name, String rule) {

    /** Class names other than {@code tumo*} taken as the positive class. */
    static final List<String> TUMOUR_NAMES = List.of("metastasis", "metastases", "carcinoma", "cancer");

    /**
     * The positive class among {@code classes}.
     *
     * @param requested the class named explicitly, or null for the rule
     * @throws UserException keyed {@code positive_class} when the requested class is not among them, or when there
     *                       are fewer than two classes
     */
    public static PositiveClass of(String requested, List<String> classes) {
        if (classes.size() < 2) {
            throw UserException.forKey("positive_class", "cannot be chosen among " + classes
                    + ": a classifier needs at least 2 classes");
        }
        if (requested != null) {
            int i = classes.indexOf(requested);
            if (i < 0) {
                throw UserException.forKey("positive_class", "'" + requested + "': the data's classes are " + classes);
            }
            return new PositiveClass(i, requested, "explicit");
        }
        for (int i = 0; i < classes.size(); i++) {
            String name = classes.get(i).strip().toLowerCase(Locale.ROOT);
            if (name.startsWith("tumo") || TUMOUR_NAMES.contains(name)) {
                return new PositiveClass(i, classes.get(i), "tumour name");
            }
        }
        return new PositiveClass(1, classes.get(1), "second class");
    }
}
