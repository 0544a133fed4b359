package io.histoscale.cli;

import io.histoscale.bench.parallel.AllreduceBench;
import io.histoscale.bench.parallel.Projection;
import io.histoscale.bench.parallel.ScalingBench;
import io.histoscale.core.UserException;
import io.histoscale.parallel.Communicator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** The data-parallel benchmarks: {@code bench allreduce} and {@code bench scaling}. */
final class ParallelBench {

    private ParallelBench() {
    }

    @Command(name = "allreduce", description = {"GB/s of HistoScale's Java allreduce (Open MPI through JNA) vs a C "
            + "MPI_Allreduce loop.", "The C loop is compiled with mpicc from the project's own source during the "
            + "benchmark; both run in the same mpirun ranks, alternating round by round, on the same buffer."})
    static final class Allreduce implements Callable<Integer> {
        @Option(names = "--floats", defaultValue = "11700000", description = "Floats per allreduce (default "
                + "${DEFAULT-VALUE}: ResNet-18's gradients).")
        int floats;

        @Option(names = "--ranks", defaultValue = "2", description = "MPI ranks (default ${DEFAULT-VALUE}).")
        int ranks;

        @Option(names = "--iterations", defaultValue = "20", description = "Timed allreduces per round (default "
                + "${DEFAULT-VALUE}).")
        int iterations;

        @Option(names = "--rounds", defaultValue = "9", description = "Alternating rounds per side; the medians "
                + "are compared (default ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--bucket-mb", defaultValue = "25", description = "MiB per MPI_Allreduce call, both sides "
                + "(default ${DEFAULT-VALUE}).")
        double bucketMb;

        @Override
        public Integer call() {
            if (floats < 1 || ranks < 2 || iterations < 1 || rounds < 1 || bucketMb <= 0) {
                throw new UserException("--floats, --iterations and --rounds must be positive, --ranks at least 2");
            }
            BenchCommand.print(AllreduceBench.run(floats, ranks, iterations, rounds, (long) (bucketMb * (1 << 20))));
            return 0;
        }
    }

    @Command(name = "scaling", description = {"Strong and weak scaling of data-parallel training on this machine, "
            + "projected to 8-1024 GPUs.", "1 PyTorch thread per rank; step time split into data wait, compute and "
            + "allreduce; an alpha-beta ring-allreduce model fitted here projects efficiency and time to train. "
            + "Writes a PNG plot."})
    static final class Scaling implements Callable<Integer> {
        @Option(names = "--model", defaultValue = "resnet18", description = "Network (default ${DEFAULT-VALUE}).")
        String model;

        @Option(names = "--ranks", defaultValue = "1,2", split = ",", description = "Rank counts (default "
                + "${DEFAULT-VALUE}).")
        List<Integer> ranks;

        @Option(names = "--size", defaultValue = "96", description = "Input side in pixels (default ${DEFAULT-VALUE}).")
        int size;

        // 64 per rank is the per-GPU batch of common ResNet practice; much smaller batches mostly time the allreduce
        // against little compute (16 per rank gives 0.73 here, for PyTorch DDP as for us).
        @Option(names = "--batch", defaultValue = "64", description = "Batch per rank at the most ranks; the strong "
                + "scaling's global batch is this times the most ranks (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--steps", defaultValue = "6", description = "Timed steps per configuration (default "
                + "${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--rounds", defaultValue = "2", description = "Rounds over all configurations; the fastest "
                + "counts (default ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--plot", defaultValue = "scaling.png", description = "PNG to write (default "
                + "${DEFAULT-VALUE}).")
        Path plot;

        @Option(names = "--gpu-step-ms", defaultValue = "85", description = "Projection: one GPU's step time "
                + "(default ${DEFAULT-VALUE}: H100, ResNet-50, batch 256, mixed precision, ~3,000 images/s).")
        double gpuStepMs;

        @Option(names = "--gpu-batch", defaultValue = "256", description = "Projection: images per GPU per step "
                + "(default ${DEFAULT-VALUE}).")
        int gpuBatch;

        @Option(names = "--link-gbps", defaultValue = "200", description = "Projection: interconnect bandwidth per "
                + "GPU in Gb/s (default ${DEFAULT-VALUE}: HDR InfiniBand).")
        double linkGbps;

        @Option(names = "--alpha-us", description = "Projection: latency per ring step in µs (default: fitted here).")
        Double alphaUs;

        @Option(names = "--params", defaultValue = "25557032", description = "Projection: parameters (default "
                + "${DEFAULT-VALUE}: ResNet-50).")
        long params;

        @Option(names = "--overlap", defaultValue = "0", description = "Projection: share of the allreduce hidden "
                + "behind the backward pass (default ${DEFAULT-VALUE}).")
        double overlap;

        @Option(names = "--images", defaultValue = "115305030", description = "Projection: images to train on "
                + "(default ${DEFAULT-VALUE}: 90 epochs of ImageNet-1k).")
        double images;

        @Override
        public Integer call() {
            if (ranks.isEmpty() || ranks.stream().anyMatch(r -> r < 1) || steps < 1 || rounds < 1 || batch < 2) {
                throw new UserException("--ranks must list counts of at least 1; --steps and --rounds at least 1, "
                        + "--batch at least 2");
            }
            if (overlap < 0 || overlap > 1 || linkGbps <= 0 || gpuStepMs <= 0) {
                throw new UserException("--overlap must be in [0, 1]; --link-gbps and --gpu-step-ms positive");
            }
            Projection.Inputs d = Projection.Inputs.defaults();
            Projection.Inputs inputs = new Projection.Inputs(d.gpu(), gpuStepMs / 1e3, linkGbps,
                    alphaUs == null ? Double.NaN : alphaUs / 1e6, params, d.bytesPerValue(), d.bucketBytes(), overlap,
                    gpuBatch, images, params == 25557032L && images == 115305030 ? d.workload()
                    : params + " parameters, " + (long) images + " images", d.gpus());
            ScalingBench.Settings settings = new ScalingBench.Settings(model, size, batch, steps, 2, ranks,
                    Communicator.DEFAULT_BUCKET_BYTES, rounds);
            BenchCommand.print(ScalingBench.run(settings, inputs, plot));
            return 0;
        }
    }
}
