package io.histoscale.bench.parallel;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Json;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.ModelSpec;
import io.histoscale.model.TorchEngine;
import io.histoscale.parallel.Communicator;
import io.histoscale.parallel.MpiLaunch;
import io.histoscale.train.augment.Augmentation;
import io.histoscale.train.augment.PatchTransform;
import io.histoscale.train.data.BatchLoader;
import io.histoscale.train.data.HostBatch;
import io.histoscale.train.step.FlatOptimizer;
import io.histoscale.train.step.GradientAveraging;
import io.histoscale.train.step.TrainStep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.LongStream;

/**
 * {@code histoscale bench scaling}: data-parallel training steps on 1…N ranks of this machine (one PyTorch thread
 * per rank), each step's time split into data wait, compute and gradient exchange; strong scaling (fixed global
 * batch) and weak scaling (fixed batch per rank); and an {@link AlphaBeta} model of ring allreduce, fitted to
 * allreduce times measured here, projecting efficiency and time to train to 8…1024 GPUs ({@link Projection}).
 */
public final class ScalingBench {


    private ScalingBench() {
    }

    /** What to measure. */
    public record Settings(String model, int inputSize, int batchPerRank, int steps, int warmup, List<Integer> ranks,
                           long bucketBytes, int rounds) {
    }

    /** One measured configuration: mean seconds per step and its parts (mean over ranks; step: slowest rank). */
    public record Measurement(int ranks, int batchPerRank, double step, double dataWait, double compute,
                              double allreduce) {
        double imagesPerSecond() {
            return ranks * batchPerRank / step;
        }
    }

    public static Map<String, Object> run(Settings s, Projection.Inputs inputs, Path plot) {
        int most = s.ranks().stream().mapToInt(Integer::intValue).max().orElseThrow();
        int globalBatch = s.batchPerRank() * most;
        for (int r : s.ranks()) {
            if (globalBatch % r != 0) {
                throw new io.histoscale.core.UserException("--ranks " + s.ranks() + ": every count must divide the "
                        + "largest one times --batch (" + globalBatch + ")");
            }
        }
        String loadBefore = loadAverage();
        Map<String, Measurement> cache = new LinkedHashMap<>();
        Map<Integer, Double> peer = new LinkedHashMap<>();
        double concurrent = Double.MAX_VALUE;
        List<AlphaBeta.Sample> sweep = new ArrayList<>();
        List<Map<String, Object>> strong = new ArrayList<>();
        List<Map<String, Object>> weak = new ArrayList<>();
        Measurement strongBase = null;
        Measurement weakBase = null;
        // rounds alternate over the configurations; each keeps its fastest round (least disturbed by other load)
        List<Integer> counts = List.copyOf(new TreeSet<>(s.ranks()));
        for (int round = 0; round < s.rounds(); round++) {
            for (int r : counts) {
                for (int batch : new TreeSet<>(List.of(globalBatch / r, s.batchPerRank()))) {
                    Measurement m = measure(s, r, batch, round == 0 && r == most, sweep);
                    cache.merge(r + "x" + batch, m, (old, now) -> now.step() < old.step() ? now : old);
                }
            }
            if (most > 1) {
                concurrent = Math.min(concurrent, independent(s, most));
                for (int r : List.of(1, most)) {
                    peer.merge(r, DdpPeer.step(s.model(), s.inputSize(), globalBatch / r, r, s.steps(), s.warmup()),
                            Math::min);
                }
            }
        }
        for (int r : counts) {
            Measurement st = cache.get(r + "x" + globalBatch / r);
            Measurement wk = cache.get(r + "x" + s.batchPerRank());
            if (strongBase == null) {
                strongBase = st;
                weakBase = wk;
            }
            strong.add(row(st, strongBase.step() * strongBase.ranks() / (r * st.step())));
            weak.add(row(wk, weakBase.step() / wk.step()));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        double efficiency = (double) strong.get(strong.size() - 1).get("efficiency");
        result.put("benchmark", "scaling");
        double peerEfficiency = peer.isEmpty() ? 1 : peer.get(1) / (most * peer.get(most));
        result.put("ours", round(efficiency));
        result.put("peer", round(peerEfficiency));
        result.put("unit", "strong-scaling efficiency at " + most + " ranks, 1 thread each (speedup over 1 rank with "
                + "1 thread / ranks)");
        result.put("ratio", round(efficiency / peerEfficiency));
        result.put("goal", "ours >= 0.85");
        result.put("peer_impl", peer.isEmpty() ? "ideal linear scaling" : "PyTorch " + DdpPeer.version()
                + " DistributedDataParallel, gloo, same network, fixed batch, channels-last");
        if (!peer.isEmpty()) {
            result.put("peer_step_ms", Map.of("1x" + globalBatch, round(peer.get(1) * 1e3),
                    most + "x" + globalBatch / most, round(peer.get(most) * 1e3)));
        }
        result.put("model", s.model());
        result.put("input", s.inputSize());
        result.put("threads_per_rank", 1);
        result.put("global_batch_strong", globalBatch);
        result.put("batch_per_rank_weak", s.batchPerRank());
        result.put("measured_steps", s.steps());
        result.put("strong_scaling", strong);
        result.put("weak_scaling", weak);
        if (most > 1) {
            // what the cores allow: the most ranks' worth of independent 1-rank processes at once, no communication
            double ceiling = weakBase.step() / concurrent;
            Map<String, Object> machine = new LinkedHashMap<>();
            machine.put("independent_processes", most);
            machine.put("step_ms_alone", round(weakBase.step() * 1e3));
            machine.put("step_ms_side_by_side", round(concurrent * 1e3));
            machine.put("ceiling_efficiency", round(ceiling));
            machine.put("our_strong_efficiency_vs_ceiling", round(efficiency / ceiling));
            result.put("machine_ceiling", machine);
        }
        result.put("cores", Runtime.getRuntime().availableProcessors());
        // other processes on the cores slow 2 ranks more than 1 (each step waits for the slower rank)
        result.put("load_average_before_after", loadBefore + " / " + loadAverage());
        if (!sweep.isEmpty()) {
            AlphaBeta fit = AlphaBeta.fit(sweep);
            Map<String, Object> measured = new LinkedHashMap<>();
            measured.put("alpha_us", round(fit.alpha() * 1e6));
            measured.put("bandwidth_GBps", round(fit.gigabytesPerSecond()));
            measured.put("ranks", sweep.get(0).ranks());
            List<Map<String, Object>> points = new ArrayList<>();
            for (AlphaBeta.Sample p : sweep) {
                points.add(Map.of("bytes", (long) p.bytes(), "ms", round(p.seconds() * 1e3), "model_ms",
                        round(fit.seconds(p.bytes(), p.ranks()) * 1e3)));
            }
            measured.put("samples", points);
            result.put("alpha_beta_fit_here", measured);
            Projection projection = Projection.of(inputs.withFittedAlpha(fit.alpha()));
            result.put("projection", projection.toJson());
            if (plot != null) {
                ScalingPlot.write(plot, projection, strong, weak, s.model(),
                        most > 1 ? weakBase.step() / concurrent : Double.NaN);
                result.put("plot", plot.toString());
            }
        }
        return result;
    }

    private static Map<String, Object> row(Measurement m, double efficiency) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("ranks", m.ranks());
        row.put("batch_per_rank", m.batchPerRank());
        row.put("step_ms", round(m.step() * 1e3));
        row.put("data_wait_ms", round(m.dataWait() * 1e3));
        row.put("compute_ms", round(m.compute() * 1e3));
        row.put("allreduce_ms", round(m.allreduce() * 1e3));
        row.put("images_per_s", round(m.imagesPerSecond()));
        row.put("efficiency", round(efficiency));
        return row;
    }

    private static Measurement measure(Settings s, int ranks, int batch, boolean sweep,
                                       List<AlphaBeta.Sample> samples) {
        List<String> args = List.of(s.model(), Integer.toString(s.inputSize()), Integer.toString(batch),
                Integer.toString(s.steps()), Integer.toString(s.warmup()), Long.toString(s.bucketBytes()),
                Boolean.toString(sweep && ranks > 1));
        List<String> command;
        List<String> jvm = List.of("-Dai.djl.offline=true");
        if (ranks == 1) {
            command = new ArrayList<>(MpiLaunch.java(jvm));
            command.add(Worker.class.getName());
            command.addAll(args);
        } else {
            command = MpiLaunch.mpirunJava(ranks, jvm, Worker.class.getName(), args);
        }
        String out = MpiLaunch.run(command);
        JsonNode json = null;
        for (String line : out.lines().toList()) {
            if (line.startsWith("{\"ranks\"")) {
                try {
                    json = Json.MAPPER.readTree(line);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        if (json == null) {
            throw new IllegalStateException("no result from the scaling worker:\n" + out);
        }
        Measurement m = new Measurement(ranks, batch, json.get("step").asDouble(), json.get("data").asDouble(),
                json.get("compute").asDouble(), json.get("allreduce").asDouble());
        for (JsonNode p : json.get("sweep")) {
            samples.add(new AlphaBeta.Sample(p.get(0).asDouble(), ranks, p.get(1).asDouble()));
        }
        return m;
    }

    /** The 1-minute load average, when the system tells it. */
    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * Seconds per step of the slowest of {@code n} independent single-rank workers (batch per rank as in weak
     * scaling) running side by side: how much the cores alone slow ranks that do not communicate.
     */
    private static double independent(Settings s, int n) {
        List<String> args = List.of(s.model(), Integer.toString(s.inputSize()), Integer.toString(s.batchPerRank()),
                Integer.toString(s.steps()), Integer.toString(s.warmup()), Long.toString(s.bucketBytes()), "false");
        List<Process> processes = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                List<String> command = new ArrayList<>(MpiLaunch.java(List.of("-Dai.djl.offline=true")));
                command.add(Worker.class.getName());
                command.addAll(args);
                processes.add(new ProcessBuilder(command).redirectErrorStream(true).start());
            }
            double slowest = 0;
            for (Process p : processes) {
                String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("an independent scaling worker failed:\n" + out);
                }
                for (String line : out.lines().toList()) {
                    if (line.startsWith("{\"ranks\"")) {
                        slowest = Math.max(slowest, Json.MAPPER.readTree(line).get("step").asDouble());
                    }
                }
            }
            return slowest;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            processes.forEach(Process::destroy);
        }
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /**
     * One configuration on the ranks of an mpirun (or alone): {@code MODEL SIZE BATCH STEPS WARMUP BUCKET SWEEP}.
     * Rank 0 prints one JSON line.
     */
    public static final class Worker {
        public static void main(String[] args) {
            String model = args[0];
            int size = Integer.parseInt(args[1]);
            int batch = Integer.parseInt(args[2]);
            int steps = Integer.parseInt(args[3]);
            int warmup = Integer.parseInt(args[4]);
            long bucket = Long.parseLong(args[5]);
            boolean sweep = Boolean.parseBoolean(args[6]);
            TorchEngine engine = TorchEngine.start(new EngineSettings(1, 1, 1));
            ModelSpec spec = ModelSpec.builder().setArchitecture(model).setNumClasses(2).optInputSize(size).build();
            try (Communicator world = Communicator.fromEnvironment(bucket);
                 Model net = spec.newModel(engine.device("cpu"))) {
                int n = world.size();
                GradientAveraging averaging = new GradientAveraging(world, false);
                TrainStep step = TrainStep.builder(net).optOptimizer(FlatOptimizer.sgd(0.01f, 0.9f, 1e-4f))
                        .optGradientExchange(n > 1 ? averaging : null).build();
                GradientAveraging.broadcast(world, step.parameters(), 0);
                int total = warmup + steps;
                NoisePatches source = new NoisePatches(size, (long) total * batch * n);
                PatchTransform transform = new PatchTransform(size, size, 1, size,
                        new Augmentation(true, true, false, 0, 0), null);
                long[] order = LongStream.range(0, source.size()).toArray();
                double data = 0;
                double exchange = 0;
                double all = 0;
                try (BatchLoader loader = BatchLoader.builder(source, transform).setBatchSize(batch).optWorkers(1)
                        .optPrefetch(2).optSeed(1).build();
                     BatchLoader.Batches batches = loader.training(order, 0, 0, world.rank(), n)) {
                    world.barrier();
                    for (int i = 0; i < total; i++) {
                        long t0 = System.nanoTime();
                        HostBatch b = batches.next();
                        long t1 = System.nanoTime();
                        double before = averaging.seconds();
                        try (NDManager manager = net.getNDManager().newSubManager()) {
                            step.run(b.images(manager), b.labels(manager));
                        }
                        long t2 = System.nanoTime();
                        if (i >= warmup) {
                            data += (t1 - t0) / 1e9;
                            exchange += averaging.seconds() - before;
                            all += (t2 - t0) / 1e9;
                        }
                    }
                }
                double[] mine = {all / steps, data / steps, exchange / steps};
                double[] every = world.allgather(mine);
                double stepTime = 0;
                double[] mean = new double[3];
                for (int r = 0; r < n; r++) {
                    stepTime = Math.max(stepTime, every[3 * r]);
                    for (int k = 0; k < 3; k++) {
                        mean[k] += every[3 * r + k] / n;
                    }
                }
                List<double[]> points = sweep ? sweep(world, step.parameters().size()) : List.of();
                if (world.rank() == 0) {
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                            "{\"ranks\": %d, \"step\": %.6f, \"data\": %.6f, \"allreduce\": %.6f, \"compute\": %.6f, "
                                    + "\"sweep\": [", n, stepTime, mean[1], mean[2], mean[0] - mean[1] - mean[2]));
                    for (int i = 0; i < points.size(); i++) {
                        line.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "[%.0f, %.9f]",
                                points.get(i)[0], points.get(i)[1]));
                    }
                    System.out.println(line.append("]}"));
                }
            }
        }

        /** Seconds per allreduce of 4 KB … the model's gradients: the α-β fit's data. */
        private static List<double[]> sweep(Communicator world, int modelFloats) {
            FloatBuffer buffer = ByteBuffer.allocateDirect(modelFloats * Float.BYTES).order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            List<double[]> points = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            for (int floats = 1 << 10; floats < modelFloats; floats <<= 2) {
                sizes.add(floats);
            }
            sizes.add(modelFloats);
            for (int floats : sizes) {
                FloatBuffer part = buffer.duplicate().limit(floats);
                int repeats = (int) Math.max(5, Math.min(200, 2e7 / floats));
                for (int i = 0; i < 2; i++) {
                    world.allreduceSum(part.rewind());
                }
                world.barrier();
                long start = System.nanoTime();
                for (int i = 0; i < repeats; i++) {
                    world.allreduceSum(part.rewind());
                }
                double seconds = (System.nanoTime() - start) / 1e9 / repeats;
                double slowest = 0;
                for (double v : world.allgather(new double[] {seconds})) {
                    slowest = Math.max(slowest, v);
                }
                points.add(new double[] {floats * (double) Float.BYTES, slowest});
            }
            return points;
        }
    }
}
