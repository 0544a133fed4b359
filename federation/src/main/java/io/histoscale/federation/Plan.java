package io.histoscale.federation;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.histoscale.core.UserException;
import io.histoscale.model.ModelSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a federated experiment does, read from YAML ({@code histoscale federate --plan plan.yaml}):
 *
 * <pre>
 * strategy: fedavg          # central | ensemble | single | cyclical | fedavg | fedprox
 * sites: [hospital-a, hospital-b, hospital-c]   # certificate CNs allowed to join, in hop order
 * rounds: 5                 # fedavg, fedprox
 * local_epochs: 1           # per round (fedavg, fedprox) or per hop (cyclical)
 * cycles: 3                 # cyclical
 * epochs: 5                 # central: epochs over all data
 * max_epochs: 10            # single, ensemble: most epochs per site ...
 * patience: 2               # ... stopping when validation has not improved for this many
 * mu: 0.01                  # fedprox
 * peer_to_peer: false       # cyclical: weights go site to site, the coordinator only orders hops
 * model: {architecture: small, input_size: 64, downsample: 1, classes: 2}
 * training: {batch_size: 32, learning_rate: 0.001, lr_schedule: constant, optimizer: adam, seed: 7}
 * listen: 127.0.0.1:7443
 * pki: pki                  # folder of ca.crt and coordinator.crt/.key
 * name: coordinator         # the coordinator's certificate
 * out: runs/fedavg
 * faults: {policy: skip, deadline_seconds: 60, round_timeout_seconds: 3600, join_timeout_seconds: 300}
 * test: {data: patches, indices: test.txt}       # optional: held-out patches the coordinator scores models on
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public final class Plan {

    public String strategy = "fedavg";
    public List<String> sites = new ArrayList<>();
    public int rounds = 3;
    public double localEpochs = 1;
    public int cycles = 2;
    public double epochs = 3;
    public int maxEpochs = 10;
    public int patience = 2;
    public double mu = 0.01;
    public boolean peerToPeer;
    public ModelPlan model = new ModelPlan();
    public Training training = new Training();
    public String listen = "127.0.0.1:0";
    public String pki = "pki";
    public String name = "coordinator";
    public String out = "federation-run";
    public Faults faults = new Faults();
    public Test test;

    /** The network every site trains. */
    public static final class ModelPlan {
        public String architecture = "small";
        public int inputSize = 64;
        public int downsample = 1;
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

    public static final class Training {
        public int batchSize = 32;
        public double learningRate = 1e-3;
        /**
         * {@code constant}, or {@code cosine}: annealed from {@code learning_rate} to 0 over each strategy's training
         * budget (central's epochs, cyclical's hops, FedAvg's rounds, each per-site model's epochs).
         */
        public String lrSchedule = "constant";
        public String optimizer = "adam";
        public long seed = 7;
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

    private static ObjectMapper yaml() {
        return new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /**
     * Reads and checks a plan.
     *
     * @throws UserException for a missing file, bad YAML, an unknown key or a value out of range
     */
    public static Plan read(Path file) {
        Plan plan;
        try {
            plan = yaml().readValue(Files.readAllBytes(file), Plan.class);
        } catch (NoSuchFileException e) {
            throw new UserException("--plan " + file + ": no such file");
        } catch (IOException e) {
            throw new UserException("--plan " + file + ": " + e.getMessage().lines().findFirst().orElse("bad YAML"));
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

    /** @throws UserException naming the first bad value */
    public void check(String where) {
        List<String> strategies = List.of("central", "ensemble", "single", "cyclical", "fedavg", "fedprox");
        if (!strategies.contains(strategy)) {
            throw new UserException(where + ": strategy '" + strategy + "' is not one of " + strategies);
        }
        if (sites == null || sites.isEmpty()) {
            throw new UserException(where + ": list the sites (certificate names) under 'sites'");
        }
        if (sites.stream().distinct().count() != sites.size()) {
            throw new UserException(where + ": a site is listed twice under 'sites'");
        }
        if (strategy.equals("central") && sites.size() != 1) {
            throw new UserException(where + ": strategy central trains at one place holding all data: list one site");
        }
        if (rounds < 1 || cycles < 1 || localEpochs <= 0 || epochs <= 0 || maxEpochs < 1 || patience < 0 || mu < 0) {
            throw new UserException(where + ": rounds, cycles, max_epochs must be >= 1, epochs and local_epochs > 0, "
                    + "patience and mu >= 0");
        }
        if (!List.of("skip", "wait").contains(faults.policy)) {
            throw new UserException(where + ": faults.policy '" + faults.policy + "' is not skip or wait");
        }
        if (!List.of("adam", "sgd").contains(training.optimizer)) {
            throw new UserException(where + ": training.optimizer '" + training.optimizer + "' is not adam or sgd");
        }
        if (!LocalTraining.Schedule.KINDS.contains(training.lrSchedule)) {
            throw new UserException(where + ": training.lr_schedule '" + training.lrSchedule + "' is not one of "
                    + LocalTraining.Schedule.KINDS);
        }
        if (peerToPeer && !strategy.equals("cyclical")) {
            throw new UserException(where + ": peer_to_peer applies to strategy cyclical only");
        }
        model.spec();
    }
}
