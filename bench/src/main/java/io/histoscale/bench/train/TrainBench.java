package io.histoscale.bench.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.model.Devices;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.ModelSpec;
import io.histoscale.model.TorchEngine;
import io.histoscale.train.step.FlatOptimizer;
import io.histoscale.train.step.TrainStep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Training throughput of HistoScale against plain PyTorch (Debian's {@code python3-torch}) on the same network,
 * batch, input size, thread count and optimiser, measured in the same run: after warm-up, rounds of timed steps
 * alternate between the two (ABBA order), so that other load on the machine hits both alike. Each side's figure is
 * the median over rounds. Data is one random batch, already on the device, reused every step.
 */
public final class TrainBench {


    private final ModelSpec spec;
    private final int batchSize;
    private final int threads;
    private final String device;
    private final String optimizer;
    private final int warmupSteps;
    private final int steps;
    private final int rounds;
    private final boolean peerChannelsLast;

    private TrainBench(Builder b) {
        this.spec = ModelSpec.builder().setArchitecture(b.model).setNumClasses(b.numClasses)
                .optInputSize(b.inputSize).build();
        this.batchSize = b.batchSize;
        this.threads = b.threads;
        this.device = b.device;
        this.optimizer = b.optimizer;
        this.warmupSteps = b.warmupSteps;
        this.steps = b.steps;
        this.rounds = b.rounds;
        this.peerChannelsLast = b.peerChannelsLast;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * What one benchmark run measured; {@code peer} and {@code ratio} are null when the PyTorch peer could not run
     * ({@code peerError} says why).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(String unit, double ours, Double peer, Double ratio, String model, long parameters,
                         int batch, int size, int threads, String device, String optimizer, int warmupSteps,
                         int steps, int rounds, List<Double> oursRounds, List<Double> peerRounds, String engine,
                         String memoryFormat, String peerEngine, String peerMemoryFormat, String peerError) {

        public String toJson() {
            try {
                return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(this);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Runs the benchmark: HistoScale in this process, PyTorch in a child process. */
    public Result run() {
        TorchEngine engine = TorchEngine.start(EngineSettings.defaults().withThreads(threads));
        Device dev = engine.device(device);
        List<Double> ours = new ArrayList<>();
        List<Double> peers = new ArrayList<>();
        String memoryFormat;
        String peerEngine = null;
        String peerMemoryFormat = null;
        String peerError = null;
        TorchPeer peer = null;
        try (Model model = spec.newModel(dev); NDManager data = model.getNDManager().newSubManager()) {
            TrainStep step = TrainStep.builder(model).optOptimizer(newOptimizer()).build();
            memoryFormat = step.channelsLast() ? "channels-last" : "nchw";
            NDArray images = data.randomNormal(spec.inputShape(batchSize));
            NDArray labels = data.randomInteger(0, spec.numClasses(), new Shape(batchSize), DataType.INT64);
            try {
                peer = TorchPeer.start(peerArguments());
                JsonNode setup = peer.setup();
                peerEngine = "PyTorch " + setup.get("torch").asText() + " (python3-torch), "
                        + setup.get("threads").asInt() + " intra-op + " + setup.get("interop_threads").asInt()
                        + " inter-op threads, " + setup.get("device").asText();
                peerMemoryFormat = setup.get("memory_format").asText();
                peer.run(warmupSteps);
            } catch (IOException e) {
                peerError = e.getMessage();
                if (peer != null) {
                    peer.close();
                    peer = null;
                }
            }
            measure(step, images, labels, warmupSteps);
            for (int r = 0; r < rounds; r++) {
                if (r % 2 == 0) {
                    ours.add(measure(step, images, labels, steps));
                }
                if (peer != null) {
                    peers.add(peer.run(steps));
                }
                if (r % 2 == 1) {
                    ours.add(measure(step, images, labels, steps));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the PyTorch peer stopped answering", e);
        } finally {
            if (peer != null) {
                peer.close();
            }
        }
        double oursMedian = median(ours);
        Double peerMedian = peers.isEmpty() ? null : median(peers);
        return new Result("images/s", oursMedian, peerMedian, peerMedian == null ? null : oursMedian / peerMedian,
                spec.architecture().cliName(), spec.parameterCount(), batchSize, spec.inputSize(), threads,
                Devices.name(dev), optimizer, warmupSteps, steps, rounds, ours, peers.isEmpty() ? null : peers,
                engine.describe(), memoryFormat, peerEngine, peerMemoryFormat, peerError);
    }

    private List<String> peerArguments() {
        List<String> args = new ArrayList<>(List.of("--model", spec.architecture().cliName(),
                "--classes", Integer.toString(spec.numClasses()), "--batch", Integer.toString(batchSize),
                "--size", Integer.toString(spec.inputSize()), "--threads", Integer.toString(threads),
                "--device", device, "--optimizer", optimizer));
        if (peerChannelsLast) {
            args.add("--channels-last");
        }
        return args;
    }

    private double measure(TrainStep step, NDArray images, NDArray labels, int count) {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            step.run(images, labels);
        }
        return (double) count * batchSize / ((System.nanoTime() - start) / 1e9);
    }

    private FlatOptimizer newOptimizer() {
        return "adam".equals(optimizer) ? FlatOptimizer.adam(1e-3f, 0f) : FlatOptimizer.sgd(1e-3f, 0.9f, 0f);
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Builds a {@link TrainBench}; only the model is required. */
    public static final class Builder {
        private String model;
        private int numClasses = 2;
        private int batchSize = 64;
        private int inputSize = 96;
        private int threads = Runtime.getRuntime().availableProcessors();
        private String device = "cpu";
        private String optimizer = "adam";
        private int warmupSteps = 2;
        private int steps = 5;
        private int rounds = 3;
        private boolean peerChannelsLast;

        private Builder() {
        }

        /** {@code small}, {@code resnet18}, {@code resnet34} or {@code resnet50}. */
        public Builder setModel(String model) {
            this.model = model;
            return this;
        }

        public Builder optNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder optInputSize(int inputSize) {
            this.inputSize = inputSize;
            return this;
        }

        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        /** {@code cpu}, {@code gpu} or {@code gpu:N}. */
        public Builder optDevice(String device) {
            this.device = device;
            return this;
        }

        /** {@code adam} (learning rate 1e-3) or {@code sgd} (1e-3, momentum 0.9). */
        public Builder optOptimizer(String optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        /** Untimed steps before measuring, on each side. */
        public Builder optWarmupSteps(int warmupSteps) {
            this.warmupSteps = warmupSteps;
            return this;
        }

        /** Timed steps per round. */
        public Builder optSteps(int steps) {
            this.steps = steps;
            return this;
        }

        public Builder optRounds(int rounds) {
            this.rounds = rounds;
            return this;
        }

        /**
         * Lays out the PyTorch peer's model and batch channels-last too (by default it runs as plain PyTorch does,
         * NCHW), to compare against PyTorch tuned the same way as HistoScale.
         */
        public Builder optPeerChannelsLast(boolean peerChannelsLast) {
            this.peerChannelsLast = peerChannelsLast;
            return this;
        }

        /** @throws UserException for a value out of range */
        public TrainBench build() {
            if (batchSize < 1 || steps < 1 || rounds < 1 || warmupSteps < 0) {
                throw new UserException("bench train: batch, steps and rounds must be at least 1 (batch " + batchSize
                        + ", steps " + steps + ", rounds " + rounds + ", warm-up " + warmupSteps + ")");
            }
            if (!List.of("adam", "sgd").contains(optimizer)) {
                throw new UserException("--optimizer '" + optimizer + "': expected adam or sgd");
            }
            return new TrainBench(this);
        }
    }
}
