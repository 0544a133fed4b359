package io.histoscale.search;

import io.histoscale.core.UserException;
import io.histoscale.model.Architecture;
import io.histoscale.model.CnnArchitecture;
import io.histoscale.search.space.CategoricalParam;
import io.histoscale.search.space.FixedParam;
import io.histoscale.search.space.NumericParam;
import io.histoscale.search.space.Param;
import io.histoscale.search.space.SearchSpace;
import io.histoscale.train.TrainConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a search space against what trials can train before a study is made, so that a mistake is one line and
 * nothing is recorded: every parameter is a training setting or an architecture gene, every bound and choice is a
 * value training accepts, and the largest architecture the space allows fits the patches.
 */
public final class SpaceCheck {

    private SpaceCheck() {
    }

    /**
     * @param training  the study's training settings
     * @param patchSide the side of the data's patches in pixels
     * @throws UserException keyed by the parameter at fault
     */
    public static void check(SearchSpace space, Map<String, ?> training, int patchSide) {
        Set<String> settings = TrainConfig.DEFAULTS.toMap().keySet();
        Set<String> genes = CnnArchitecture.DEFAULT.genes().keySet();
        for (Param p : space.params()) {
            String name = p.name();
            if (name.startsWith(TrialSettings.ARCH)) {
                if (!genes.contains(name.substring(TrialSettings.ARCH.length()))) {
                    throw UserException.forKey(name, "not a gene of the cnn family: give one of "
                            + genes.stream().map(g -> TrialSettings.ARCH + g).toList());
                }
            } else if (!settings.contains(name)) {
                throw UserException.forKey(name, "not a training setting or an architecture gene: give one of "
                        + new TreeSet<>(settings) + " or arch.GENE");
            }
            for (Object v : extremes(p)) {
                Map<String, Object> one = parents(space, p);
                one.put(name, v);
                try {
                    TrialSettings.trainConfig(training, one);
                } catch (UserException e) {
                    throw UserException.forKey(name, "the value " + v + " is not accepted: " + e.getMessage());
                }
            }
        }
        TrainConfig base = TrialSettings.trainConfig(training, fixed(space));
        if (base.valFraction() <= 0 && space.param("val_fraction") == null) {
            throw UserException.forKey("val_fraction", "0: a search compares trials on validation patches; give a "
                    + "share such as 0.2");
        }
        checkSize(space, base, patchSide);
    }

    private static void checkSize(SearchSpace space, TrainConfig base, int patchSide) {
        int input = smallestInput(space, base, patchSide);
        String why = input + " px (" + (base.inputSize() > 0 || space.param("input_size") != null
                ? "the input_size asked" : "the data's " + patchSide + " px patches / downsample") + ")";
        List<String> models = new ArrayList<>();
        Param model = space.param("model");
        if (model instanceof CategoricalParam c) {
            c.choices().forEach(v -> models.add(String.valueOf(v)));
        } else if (model instanceof FixedParam f) {
            models.add(String.valueOf(f.value()));
        } else if (!base.model().startsWith(CnnArchitecture.FAMILY)) {
            models.add(base.model());
        }
        for (String m : models) {
            if (m.equals(CnnArchitecture.FAMILY)) continue;
            int min = Architecture.fromName(m).minInputSize();
            if (min > input) {
                throw UserException.forKey("model", m + " needs patches of at least " + min + " px, but trials get "
                        + why + ": drop it from the choices or give larger patches");
            }
        }
        Param stages = space.param(TrialSettings.ARCH + "stages");
        int most = stages == null ? CnnArchitecture.DEFAULT.stages() : maxInt(stages);
        int min = CnnArchitecture.fromGenes(Map.of("stages", most)).minInputSize();
        if (min > input) {
            throw UserException.forKey(TrialSettings.ARCH + "stages", "an architecture of " + most + " stages needs "
                    + "patches of at least " + min + " px, but trials get " + why + ": lower arch.stages to at most "
                    + (31 - Integer.numberOfLeadingZeros(Math.max(1, input))) + " or give larger patches");
        }
    }

    private static int smallestInput(SearchSpace space, TrainConfig base, int patchSide) {
        Param size = space.param("input_size");
        if (size != null) {
            int low = minInt(size);
            if (low > 0) return low;
        } else if (base.inputSize() > 0) {
            return base.inputSize();
        }
        Param down = space.param("downsample");
        int most = down == null ? base.downsample() : maxInt(down);
        return patchSide / most;
    }

    private static List<Object> extremes(Param p) {
        if (p instanceof NumericParam n) return List.of(n.value(n.internalLow()), n.value(n.internalHigh()));
        if (p instanceof CategoricalParam c) return c.choices();
        return List.of(((FixedParam) p).value());
    }

    /** Values of {@code p}'s ancestors that make it active: each condition's first value. */
    private static Map<String, Object> parents(SearchSpace space, Param p) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Param q = p; q.condition() != null; q = space.param(q.condition().parent())) {
            values.put(q.condition().parent(), q.condition().values().get(0));
        }
        return values;
    }

    private static int maxInt(Param p) {
        return extremes(p).stream().mapToInt(v -> ((Number) v).intValue()).max().orElse(0);
    }

    private static int minInt(Param p) {
        return extremes(p).stream().mapToInt(v -> ((Number) v).intValue()).min().orElse(0);
    }

    private static Map<String, Object> fixed(SearchSpace space) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Param p : space.params()) {
            if (p instanceof FixedParam f && p.condition() == null) values.put(p.name(), f.value());
        }
        return values;
    }
}
