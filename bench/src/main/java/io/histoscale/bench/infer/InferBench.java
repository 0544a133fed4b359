package io.histoscale.bench.infer;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.bench.Peers;
import io.histoscale.bench.train.TrainBench;
import io.histoscale.core.UserException;
import io.histoscale.model.EngineSettings;
import io.histoscale.model.ModelSpec;
import io.histoscale.model.TorchEngine;
import io.histoscale.slide.Slide;
import io.histoscale.slide.Slides;
import io.histoscale.slide.tissue.PatchGrid;
import io.histoscale.staging.PatchClassifier;
import io.histoscale.staging.SlideInference;
import io.histoscale.train.data.HostBatch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Whole-slide inference throughput, ours against the usual PyTorch way measured in the same run, and how much of our
 * time the model spends waiting for patches: the figure that tells whether reading keeps up on a GPU.
 *
 * <p>Ours: {@link SlideInference} end to end (tissue detection, grid, reader threads overlapped with the model,
 * heatmap). Peer ({@code torch_infer_bench.py}): Debian's python3-openslide reading the same grid patches in a torch
 * {@code DataLoader} with as many worker processes as we have reader threads, python3-torch running the same network
 * with the same batch and thread count in inference mode. Both networks carry random weights: only speed is compared.
 * Rounds alternate between the two sides; medians are reported.
 */
public final class InferBench {
    private static final String PACKAGES = "python3-torch python3-openslide python3-numpy";

    private final Path slide;
    private final String model;
    private final int size;
    private final int stride;
    private final double mpp;
    private final int batch;
    private final int threads;
    private final int readers;
    private final int rounds;
    private final String device;

    private InferBench(Builder b) {
        slide = b.slide;
        model = b.model;
        size = b.size;
        stride = b.stride > 0 ? b.stride : Math.max(1, b.size / 2);
        mpp = b.mpp;
        batch = b.batch;
        threads = b.threads;
        readers = b.readers;
        rounds = b.rounds;
        device = b.device;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs the rounds and returns the result as an ordered map, ready to print as one JSON object. */
    public Map<String, Object> run() {
        ModelSpec spec = ModelSpec.builder().setArchitecture(model).setNumClasses(2).optInputSize(size).build();
        TorchEngine engine = TorchEngine.start(new EngineSettings(threads, 1, 0));
        double[] ours = new double[rounds], peers = new double[rounds], wait = new double[rounds],
                peerWait = new double[rounds];
        long patches = 0;
        JsonNode peer = null;
        Path work = null;
        try (Slide s = Slides.open(slide);
             SpecClassifier classifier = new SpecClassifier(spec.newModel(engine.device(device)), size, mpp)) {
            SlideInference inference = SlideInference.builder().optStride(stride).optBatchSize(batch).optReaders(readers).build();
            inference.run(s, classifier, n -> { }); // warm-up: first-call allocations and JIT on our side
            work = Files.createTempDirectory("histoscale-infer-bench");
            for (int r = 0; r < rounds; r++) {
                SlideInference.Result result = inference.run(s, classifier, n -> { });
                ours[r] = result.patchesPerSecond();
                wait[r] = result.ioWaitShare();
                patches = result.patches();
                if (r == 0) writePeer(work, result.grid());
                peer = runPeer(work, result.grid());
                peers[r] = peer.get("patches_per_s").asDouble();
                peerWait[r] = peer.get("io_wait_share").asDouble();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Peers.deleteTree(work);
        }
        double o = Peers.median(ours), p = Peers.median(peers);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "whole-slide inference");
        out.put("ours", round(o));
        out.put("peer", round(p));
        out.put("unit", "patches/s");
        out.put("ratio", round(o / p));
        out.put("io_wait_share", round(Peers.median(wait)));
        out.put("peer_io_wait_share", round(Peers.median(peerWait)));
        out.put("patches", patches);
        out.put("peer_patches", peer.get("patches").asLong());
        out.put("slide", slide.toString());
        out.put("model", model);
        out.put("patch", size + " px at " + mpp + " µm/px, stride " + stride + " px");
        out.put("batch", batch);
        out.put("threads", threads);
        out.put("readers", readers);
        out.put("device", device);
        out.put("rounds", rounds);
        out.put("ours_rounds", roundAll(ours));
        out.put("peer_rounds", roundAll(peers));
        out.put("peer_set_up", "python3-openslide in " + readers + " torch DataLoader worker(s), torch "
                + peer.get("torch").asText() + " inference_mode, " + peer.get("threads").asInt() + " threads");
        out.put("ours_includes", "tissue detection, grid, reads and model (the peer: reads and model only)");
        return out;
    }

    /** The peer's scripts (it imports the networks of the training benchmark) and the grid's coordinates. */
    private static void writePeer(Path work, PatchGrid grid) throws IOException {
        Peers.copyScript(InferBench.class, "torch_infer_bench.py", work);
        Peers.copyScript(TrainBench.class, "torch_train_bench.py", work);
        String coords = grid.patches().stream().map(p -> p.x() + " " + p.y()).collect(Collectors.joining("\n"));
        Files.writeString(work.resolve("coords.txt"), coords + "\n", StandardCharsets.UTF_8);
    }

    private JsonNode runPeer(Path work, PatchGrid grid) {
        return Peers.runScript(work.resolve("torch_infer_bench.py"), PACKAGES,
                "--slide", slide.toAbsolutePath().toString(), "--coords", work.resolve("coords.txt").toString(),
                "--level", Integer.toString(grid.level()), "--read-size", Integer.toString(grid.readSize()),
                "--size", Integer.toString(grid.patchSize()), "--model", model, "--batch", Integer.toString(batch),
                "--threads", Integer.toString(threads), "--workers", Integer.toString(readers));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static double[] roundAll(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) r[i] = round(v[i]);
        return r;
    }

    /** A freshly initialised network as a {@link PatchClassifier}: patches go in as read, at the input size. */
    static final class SpecClassifier implements PatchClassifier {
        private final Model model;
        private final int size;
        private final double mpp;
        private final ParameterStore parameters;

        SpecClassifier(Model model, int size, double mpp) {
            this.model = model;
            this.size = size;
            this.mpp = mpp;
            this.parameters = new ParameterStore(model.getNDManager(), false);
        }

        @Override
        public int patchSize() {
            return size;
        }

        @Override
        public double mpp() {
            return mpp;
        }

        @Override
        public float[] tumourProbabilities(ByteBuffer batch, int count) {
            try (NDManager manager = model.getNDManager().newSubManager()) {
                NDArray images = HostBatch.images(manager, batch, count, size);
                NDArray logits = model.getBlock().forward(parameters, new NDList(images), false).singletonOrThrow();
                return logits.softmax(1).get(":, 1").toFloatArray();
            }
        }

        @Override
        public void close() {
            model.close();
        }
    }

    public static final class Builder {
        private Path slide;
        private String model = "resnet18";
        private int size = 224;
        private int stride;
        private double mpp = 0.5;
        private int batch = 64;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int readers = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        private int rounds = 3;
        private String device = "cpu";

        public Builder setSlide(Path slide) {
            this.slide = slide;
            return this;
        }

        public Builder optModel(String model) {
            this.model = model;
            return this;
        }

        public Builder optPatchSize(int size) {
            this.size = size;
            return this;
        }

        /** Step between patches in pixels; by default half a patch, so a small slide still gives a few hundred. */
        public Builder optStride(int stride) {
            this.stride = stride;
            return this;
        }

        public Builder optMpp(double mpp) {
            this.mpp = mpp;
            return this;
        }

        public Builder optBatchSize(int batch) {
            this.batch = batch;
            return this;
        }

        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder optReaders(int readers) {
            this.readers = readers;
            return this;
        }

        public Builder optRounds(int rounds) {
            this.rounds = rounds;
            return this;
        }

        public Builder optDevice(String device) {
            this.device = device;
            return this;
        }

        public InferBench build() {
            if (slide == null) throw new IllegalStateException("setSlide is required");
            if (rounds < 1 || batch < 1 || threads < 1 || readers < 1) {
                throw new UserException("bench infer: rounds, batch, threads and readers must be at least 1");
            }
            return new InferBench(this);
        }
    }
}
