package io.histoscale.cli;

import io.histoscale.bench.train.TrainBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "train", description = {"Training images per second: HistoScale (DJL/libtorch) vs Debian's python3-torch.",
        "Both run the identical architecture, batch, input size, optimizer and thread count in the same run."})
final class TrainBenchCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "resnet18", description = "small, resnet18, resnet34, resnet50 or a CNN genome such as cnn-s4-b2-w1.00-k3-residual-se (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--size", defaultValue = "96", description = "Input side in pixels (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--threads", description = "Threads for both sides (default: all cores).")
    Integer threads;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--steps", defaultValue = "10", description = "Timed steps per round (default ${DEFAULT-VALUE}).")
    int steps;

    @Override
    public Integer call() {
        TrainBench.Builder b = TrainBench.builder().setModel(model).optBatchSize(batch).optInputSize(size)
                .optDevice(device).optSteps(steps);
        if (threads != null) b.optThreads(threads);
        System.out.println(b.build().run().toJson());
        return 0;
    }
}
