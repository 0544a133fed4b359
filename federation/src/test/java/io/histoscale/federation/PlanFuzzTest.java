package io.histoscale.federation;

import io.histoscale.core.fuzz.Fuzz;
import io.histoscale.core.fuzz.Mutations;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import net.jqwik.api.statistics.Statistics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;


/**
 * Hostile federation plans: random plans with values of the wrong type or out of range, anchors and aliases (a
 * "billion laughs"), deep nesting, huge scalars, then damaged. Each gives a {@link Plan} or a UserException naming
 * the file, within the time and allocation limits.
 */
@Tag("fuzz")
class PlanFuzzTest {
    private static final List<String> STRATEGIES = List.of("fedavg", "fedprox", "cyclical", "central", "single",
            "ensemble", "fedaverage", "");
    /** Values of any YAML type, for any key. */
    private static final List<String> VALUES = List.of("~", "null", "''", "[]", "{}", "[a, b]", "{a: 1}", "0", "-1",
            "1", "2", "3", "0.5", "1e309", ".nan", ".inf", "-.inf", "99999999999999999999", "true", "no", "yes",
            "2026-12-05", "!!binary aGVsbG8=", "!!str 1", "\"\\u0000\"", "'x: y'", "\"a\\nb\"", "0x1F", "0o17",
            "1_000", "*undefined", "&a 1", "!!set {a, b}", "!!omap [a: 1]", "!!float '1'", "!!int 'x'",
            "!!java.util.Date 1");
    private static final List<String> SNIPPETS = List.of(":", ": ", "- ", "\n", "\t", "  ", "[", "]", "{", "}", ",",
            "&a ", "*a", "<<: *a\n", "!!", "%YAML 1.2\n", "---\n", "...\n", "#", "'", "\"", "|\n", ">\n", "?", "\uFEFF",
            "\0", "\uD800");

    @Property(tries = 1500, seed = "20261212", shrinking = ShrinkingMode.OFF)
    void anyPlanGivesAPlanOrAUserErrorNamingTheFile(@ForAll("plans") Fuzz.Bytes yaml) {
        Statistics.collect(Fuzz.parse("fuzzed-plan.yaml", yaml, file -> {
            Plan plan = Plan.read(file);
            plan.taskSettings();
            return plan.model.id();
        }));
        Fuzz.coverBothOutcomes(50);
    }

    @Provide
    Arbitrary<Fuzz.Bytes> plans() {
        return Fuzz.bytes(PlanFuzzTest::plan);
    }

    /**
     * A plan: each key sensible (a plan that reads) most of the time, else of the wrong type or out of range; now and
     * then hostile YAML; a quarter of the plans then damaged.
     */
    static byte[] plan(Random random) {
        List<String> lines = new ArrayList<>();
        lines.add("strategy: " + or(random, Mutations.pick(List.of("fedavg", "fedprox", "cyclical", "ensemble",
                "single"), random), Mutations.pick(STRATEGIES, random)));
        lines.add("sites: " + or(random, Mutations.pick(List.of("[a, b]", "[hospital-a, hospital-b, hospital-c]"),
                random), Mutations.pick(List.of("[a]", "[a, a]", "[a, ~]", "[[a], {b: c}]", "[]"), random)));
        String[] settings = {"rounds", "local_epochs", "mu", "cycles", "peer_to_peer", "max_epochs", "patience",
                "epochs"};
        for (int i = random.nextInt(3); i > 0; i--) {
            lines.add(Mutations.pick(List.of(settings), random) + ": " + or(random, "2", value(random)));
        }
        if (random.nextBoolean()) {
            lines.add("model: " + or(random, "{architecture: " + Mutations.pick(List.of("small", "resnet18"), random)
                    + ", input_size: " + or(random, "64", Mutations.pick(List.of("0", "-1", "2147483648", "96", "1"),
                    random)) + ", classes: " + or(random, "2", Mutations.pick(List.of("1", "0", "-5", "1000000000"),
                    random)) + "}", value(random)));
        }
        if (random.nextBoolean()) {
            lines.add("training: " + or(random, "{batch_size: " + or(random, "16", value(random))
                    + ", learning_rate: " + or(random, "0.01", value(random)) + or(random, "", ", "
                    + Mutations.pick(List.of("schedule", "optimizer", "seed", "device", "epochs", "model",
                    "stain_normalisation", "augmentation"), random) + ": " + value(random)) + "}", value(random)));
        }
        if (random.nextBoolean()) {
            lines.add("faults: " + or(random, "{policy: " + or(random, Mutations.pick(List.of("skip", "wait"), random),
                    Mutations.pick(List.of("retry", "~", "[skip]"), random)) + ", deadline_seconds: "
                    + or(random, "30", value(random)) + "}", value(random)));
        }
        Map<String, String> sensible = Map.of("listen", "127.0.0.1:0", "pki", "pki", "name", "coordinator", "out",
                "federation-run", "test", "{data: test-store, indices: test.txt}");
        for (String key : List.of("listen", "pki", "name", "out", "test")) {
            if (random.nextInt(4) == 0) {
                lines.add(key + ": " + or(random, sensible.get(key), key.equals("listen") && random.nextBoolean()
                        ? Mutations.pick(List.of(":7443", "127.0.0.1:99999", "[::1]:1", "host"), random)
                        : value(random)));
            }
        }
        if (random.nextInt(10) == 0) lines.add(hostile(random));
        byte[] text = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        return random.nextInt(4) == 0 ? Mutations.mutate(text, random, 3, SNIPPETS) : text;
    }

    /** {@code sensible} nine times in ten, else {@code wrong}. */
    private static String or(Random random, String sensible, String wrong) {
        return random.nextInt(10) == 0 ? wrong : sensible;
    }

    private static String value(Random random) {
        return random.nextInt(20) == 0 ? "'" + Mutations.nastyText(random, 10).replace("'", "''") + "'"
                : Mutations.pick(VALUES, random);
    }

    /** Aliases multiplying (a "billion laughs"), nesting, or a huge scalar, under some key. */
    private static String hostile(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> {
                StringBuilder s = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
                for (int i = 1; i < 10; i++) {
                    s.append("a").append(i).append(": &a").append(i).append(" [")
                            .append(String.join(", ", java.util.Collections.nCopies(9, "*a" + (i - 1)))).append("]\n");
                }
                yield s.toString();
            }
            case 1 -> "deep: " + "[".repeat(1 + random.nextInt(5000)) + "]".repeat(1 + random.nextInt(5000));
            case 2 -> "deep: " + "{a: ".repeat(1 + random.nextInt(200)) + "1" + "}".repeat(1 + random.nextInt(200));
            default -> "name: " + "x".repeat(random.nextInt(4_000_000));
        };
    }
}
