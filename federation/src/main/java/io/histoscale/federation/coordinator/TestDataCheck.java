package io.histoscale.federation.coordinator;

import io.histoscale.core.UserException;
import io.histoscale.dataset.PatchSource;
import io.histoscale.federation.proto.Hello;
import io.histoscale.train.DataSources;
import io.histoscale.train.ModelDataCheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Whether the coordinator's test patches are like the patches the sites train on, as each site's hello describes
 * them: the federated model is scored on the test patches, so they must be at its magnification and read with its
 * classes.
 *
 * <p>Refused, naming both values: other class names or order (the model's outputs would be read as the wrong
 * classes), µm per pixel more than {@link ModelDataCheck#MPP_TOLERANCE} apart. Warnings (judgement calls): another
 * patch size at the same resolution (the model sees a centre crop of either, but a patch's label covers another
 * area), µm per pixel known on one side only. Sites that say nothing of their patches (older versions) are not
 * compared.
 */
final class TestDataCheck {

    private TestDataCheck() {
    }

    /**
     * @param name     how messages name the test data (its path)
     * @param sites    each site's hello, by site name
     * @param warnings told each warning, also when the check then refuses
     * @throws UserException keyed {@code test.data}, listing every site the test patches are unlike
     */
    static void check(PatchSource test, String name, Map<String, Hello> sites, Consumer<String> warnings) {
        List<String> problems = new ArrayList<>();
        double testMpp = DataSources.patchMpp(test);
        sites.forEach((site, hello) -> {
            if (!test.labelNames().isEmpty() && !test.labelNames().equals(hello.getLabelsList())) {
                problems.add("its classes are " + test.labelNames() + ", " + site + "'s " + hello.getLabelsList()
                        + " (the model's outputs would be read as the wrong classes)");
            }
            if (hello.getPatchWidth() <= 0) {
                return; // a site of a version that does not describe its patches
            }
            try {
                ModelDataCheck.compareMpp(hello.getPatchMpp(), site + "'s patches", "as " + site + " said when it "
                        + "joined", testMpp, "the test data", "test.data").ifPresent(warnings);
            } catch (UserException e) {
                problems.add(e.detail());
            }
            if (hello.getPatchWidth() != test.width() || hello.getPatchHeight() != test.height()) {
                warnings.accept("the test patches of " + name + " are " + test.width() + "x" + test.height() + ", "
                        + site + "'s " + hello.getPatchWidth() + "x" + hello.getPatchHeight() + ": the model sees a "
                        + "centre crop of either, but a patch's label covers another area");
            }
        });
        if (!problems.isEmpty()) {
            throw UserException.forKey("test.data", name + " is unlike the sites' patches: "
                    + String.join("; ", problems));
        }
    }
}
