package io.histoscale.federation;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.histoscale.core.UserException;
import io.histoscale.federation.strategy.Strategies;
import io.histoscale.federation.strategy.Strategy;
import io.histoscale.federation.transport.Addresses;
import io.histoscale.model.ModelSpec;
import io.histoscale.train.StainNormalisation;
import io.histoscale.train.TrainConfig;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a federated experiment does, read from YAML ({@code histoscale federate --plan plan.yaml}):
 *
 * <pre>
 * strategy: fedavg          # a registered strategy: central, ensemble, single, cyclical, fedavg, fedprox, ...
 * sites: [hospital-a, hospital-b, hospital-c]   # certificate CNs allowed to join, in hop order
 * rounds: 5                 # the strategy's own settings, beside the plan's (each strategy checks its own):
 * local_epochs: 1           #   fedavg/fedprox: rounds, local_epochs (+ mu); cyclical: cycles, local_epochs,
 *                           #   peer_to_peer; single/ensemble: max_epochs, patience; central: epochs
 * model: {architecture: small, input_size: 64, downsample: 1, classes: 2}
 * training: {batch_size: 32, learning_rate: 0.001, schedule: cosine, optimizer: adam, seed: 7}
 * listen: 127.0.0.1:7443    # port 0: any free one
 * pki: pki                  # folder of ca.crt and coordinator.crt/.key
 * name: coordinator         # the coordinator's certificate (role coordinator); sites check they reach this name
 * out: runs/fedavg
 * faults: {policy: skip, deadline_seconds: 60, round_timeout_seconds: 3600, join_timeout_seconds: 300}
 * test: {data: patches, indices: test.txt}       # optional: held-out patches the coordinator scores models on
 * </pre>
 *
 * <p>{@code training} takes the keys of {@link TrainConfig} (the same settings and defaults as
 * {@code histoscale train}); the sites train through the train module's one loop. The strategy's settings travel to
 * the sites as each task's config map.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public final class Plan {

    /** Training settings a site chooses for itself (its hardware), never sent in a task. */
    public static final Set<String> SITE_SETTINGS = Set.of("device", "threads", "workers", "prefetch",
            "checkpoint_minutes");

    /** Training settings the strategy (epochs, early stopping) or each site (its validation split) decides. */
    public static final Set<String> STRATEGY_DECIDES = Set.of("epochs", "patience", "cv_folds", "val_fraction",
            "val_patches", "group_by");

    public String strategy = "fedavg";
    public List<String> sites = new ArrayList<>();
    public ModelPlan model = new ModelPlan();
    /** {@link TrainConfig} settings, by snake_case key; the rest keep their defaults. */
    public Map<String, Object> training = new LinkedHashMap<>();
    public String listen = "127.0.0.1:0";
    public String pki = "pki";
    public String name = "coordinator";
    public String out = "federation-run";
    public Faults faults = new Faults();
    public Test test;
    /** The strategy's settings: every top-level key that is not one of the plan's own. */
    private final Map<String, Object> strategySettings = new LinkedHashMap<>();

    /** The strategy's settings (a live map: put to change one). */
    @JsonAnyGetter
    public Map<String, Object> strategySettings() {
        return strategySettings;
    }

    @JsonAnySetter
    void strategySetting(String key, Object value) {
        strategySettings.put(key, value);
    }

    /** The plan's strategy; a new one each call. */
    public Strategy newStrategy() {
        return Strategies.create(strategy, strategySettings);
    }

    /**
     * The training settings: {@link TrainConfig}'s defaults, the {@code training} keys over them, and the network of
     * {@code model}.
     */
    public TrainConfig trainConfig() {
        for (String key : List.of("model", "input_size", "downsample")) {
            if (training.containsKey(key)) {
                throw UserException.forKey("training." + key, "belongs under model: (architecture, input_size, "
                        + "downsample)");
            }
        }
        for (String key : STRATEGY_DECIDES) {
            if (training.containsKey(key)) {
                throw UserException.forKey("training." + key, "is decided per task by the strategy and each site "
                        + "(set the strategy's settings, e.g. rounds, local_epochs, max_epochs, patience)");
            }
        }
        Map<String, Object> all = new LinkedHashMap<>(training);
        all.put("model", model.architecture);
        all.put("input_size", model.inputSize);
        all.put("downsample", model.downsample);
        return TrainConfig.fromMap(all);
    }

    /** What every task tells the sites to train: the training settings but those a site chooses itself. */
    public Map<String, Object> taskSettings() {
        Map<String, Object> task = new LinkedHashMap<>(trainConfig().toMap());
        SITE_SETTINGS.forEach(task::remove);
        return task;
    }

    /** The network every site trains; the coordinator builds it before it sees any data. */
    public static final class ModelPlan {
        public String architecture = TrainConfig.DEFAULTS.model();
        public int inputSize = ModelSpec.DEFAULT_INPUT_SIZE;
        public int downsample = TrainConfig.DEFAULTS.downsample();
        public int classes = 2;

        public ModelSpec spec() {
            return ModelSpec.builder().setArchitecture(architecture).setNumClasses(classes).optInputSize(inputSize)
                    .build();
        }

        /** {@code architecture/classes/input}: how transfers and audit lines name the model. */
        public String id() {
            return spec().toString();
        }
    }

    /**
     * What happens when a site dies or times out mid-round. {@code skip}: the round goes on without it and the
     * aggregate is re-weighted over the sites that answered. {@code wait}: wait up to {@code deadline_seconds} for
     * it to rejoin (same certificate) and give it its task again; past the deadline, skip it.
     */
    public static final class Faults {
        public String policy = "skip";
        public double deadlineSeconds = 60;
        public double roundTimeoutSeconds = 3600;
        public double joinTimeoutSeconds = 300;
    }

    /** Held-out patches (a store or image folder, and a file of patch indices, one a line) scored at the end. */
    public static final class Test {
        public String data;
        public String indices;
    }

    /**
     * Largest plan read (64 KiB): a plan is a page of settings; anything larger is a mistake or an attack (SnakeYAML
     * spends memory quadratic in a long scalar: 324 MiB on one of 400 KB).
     */
    static final int MAX_BYTES = 64 << 10;

    private static ObjectMapper yaml() {
        // SnakeYAML's limits held tight: a plan needs no aliases ("billion laughs"), deep nesting or huge scalars.
        LoaderOptions limits = new LoaderOptions();
        limits.setMaxAliasesForCollections(10);
        limits.setAllowRecursiveKeys(false);
        limits.setNestingDepthLimit(20);
        limits.setCodePointLimit(MAX_BYTES);
        YAMLFactory factory = YAMLFactory.builder().loaderOptions(limits).build();
        return new ObjectMapper(factory.disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // a key given as null ('policy: ~') keeps its default; a null in a list ('sites: [a, ~]') is refused
                .setDefaultSetterInfo(JsonSetter.Value.construct(Nulls.SKIP, Nulls.FAIL));
    }

    /**
     * Reads and checks a plan.
     *
     * @throws UserException for a missing file, bad YAML, an unknown key or a value out of range
     */
    public static Plan read(Path file) {
        Plan plan;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw UserException.forKey("plan", file + ": " + Files.size(file) + " bytes is too large for a plan"
                        + " (at most " + MAX_BYTES + "); give the plan's YAML file");
            }
            plan = yaml().readValue(Files.readAllBytes(file), Plan.class);
        } catch (NoSuchFileException e) {
            throw UserException.forKey("plan", file + ": no such file");
        } catch (IOException e) {
            String why = e.getMessage() == null ? "" : e.getMessage();
            throw UserException.forKey("plan", file + ": " + why.lines().findFirst().orElse("bad YAML"));
        }
        plan.check(file.toString());
        return plan;
    }

    public void write(Path file) {
        try {
            Files.writeString(file, yaml().writeValueAsString(this));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws UserException naming the first bad value and {@code where} */
    public void check(String where) {
        try {
            if (sites == null || sites.isEmpty()) {
                throw new UserException(where + ": list the sites (certificate names) under 'sites'");
            }
            if (sites.stream().distinct().count() != sites.size()) {
                throw new UserException(where + ": a site is listed twice under 'sites'");
            }
            if (strategy.equals("central") && sites.size() != 1) {
                throw new UserException(where + ": strategy central trains at one place holding all data:"
                        + " list one site");
            }
            Addresses.listening(listen, "listen");
            if (!List.of("skip", "wait").contains(faults.policy)) {
                throw UserException.forKey("faults.policy", "'" + faults.policy + "' is not skip or wait");
            }
            newStrategy();
            model.spec();
            TrainConfig config = trainConfig();
            if (config.stainNormalisation() == StainNormalisation.MACENKO && config.stainReference() == null) {
                throw UserException.forKey("training.stain_reference", "missing: federated Macenko normalisation"
                        + " needs a reference image every site and the coordinator hold (stains fitted at each site"
                        + " would differ)");
            }
        } catch (UserException e) {
            throw e.in(where);
        }
    }
}
