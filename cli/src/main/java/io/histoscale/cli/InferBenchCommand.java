package io.histoscale.cli;

import io.histoscale.bench.infer.InferBench;
import io.histoscale.core.UserException;
import io.histoscale.synth.SyntheticSlide;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "infer", description = {"Whole-slide inference in patches per second: HistoScale vs python3-openslide and python3-torch.",
        "HistoScale: reader threads + DJL/libtorch; the peer: python3-openslide in a torch DataLoader + python3-torch;",
        "same grid, network, batch and threads;",
        "also the share of our time the model waits on slide reads (io_wait_share).",
        "Default slide: CMU-1-Small-Region.svs from the shared data, else a generated synthetic slide."})
final class InferBenchCommand implements Callable<Integer> {
    @Option(names = "--slide", description = "Slide to predict.")
    Path slide;

    @Option(names = "--model", defaultValue = "resnet18", description = "small, resnet18, resnet34, resnet50 or a CNN genome such as cnn-s4-b2-w1.00-k3-residual-se (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--size", defaultValue = "224", description = "Patch side in pixels (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--stride", description = "Step between patches in pixels (default: half a patch).")
    Integer stride;

    @Option(names = "--mpp", defaultValue = "0.5", description = "Patch µm/px (default ${DEFAULT-VALUE}).")
    double mpp;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", description = "Model threads for both sides (default: all cores).")
    Integer threads;

    @Option(names = "--readers", description = "Our reader threads and the peer's loader workers (default: half the cores).")
    Integer readers;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--rounds", defaultValue = "3", description = "Alternating rounds per side (default ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws IOException {
        Path tmp = null;
        Path target = slide;
        if (target == null) {
            Path cmu = BenchCommand.sharedData().resolve("slides/CMU-1-Small-Region.svs");
            if (Files.exists(cmu)) {
                target = cmu;
            } else {
                tmp = Files.createTempDirectory("histoscale-bench");
                target = tmp.resolve("synthetic.svs");
                SyntheticSlide.builder().optSizeMm(2, 2).optMpp(0.5).optSeed(1).addTumour(0.5).build().writeTiff(target);
            }
        } else if (!Files.exists(target)) {
            throw new UserException("slide not found: " + target);
        }
        try {
            InferBench.Builder b = InferBench.builder().setSlide(target).optModel(model).optPatchSize(size).optMpp(mpp)
                    .optBatchSize(batch).optDevice(device).optRounds(rounds);
            if (threads != null) b.optThreads(threads);
            if (stride != null) b.optStride(stride);
            if (readers != null) b.optReaders(readers);
            BenchCommand.print(b.build().run());
        } finally {
            if (tmp != null) {
                Files.deleteIfExists(target);
                Files.deleteIfExists(tmp);
            }
        }
        return 0;
    }
}
