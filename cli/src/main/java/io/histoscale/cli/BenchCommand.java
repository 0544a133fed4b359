package io.histoscale.cli;

import io.histoscale.bench.tile.TileBench;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.synth.SyntheticSlide;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Benchmarks against peers measured in the same run. Each prints one JSON object with at least
 * {@code ours}, {@code peer}, {@code unit} and {@code ratio} (ours ÷ peer, oriented so that more than 1 is better).
 */
@Command(name = "bench", description = "Measure HistoScale against a peer in the same run; prints one JSON object.",
        subcommands = {
                BenchCommand.Tile.class,
                StoreBench.class,
                InferBenchCommand.class,
                ParallelBench.Allreduce.class,
                ParallelBench.Scaling.class,
                io.histoscale.cli.federation.FederateBenchCommand.class,
                TrainBenchCommand.class,
                SearchBenchCommand.class
        })
final class BenchCommand extends CommandGroup {



    static void print(Map<String, Object> result) {
        System.out.println(Json.pretty(result));
    }

    static Path sharedData() {
        return Path.of(System.getProperty("histoscale.shared.data", "../shared/data"));
    }

    @Command(name = "tile", description = {"Patch reads per second: HistoScale's tiler vs python3-openslide on the same regions.",
            "Default slide: CMU-1-Small-Region.svs from the shared data, else a generated synthetic slide."})
    static final class Tile implements Callable<Integer> {
        @Option(names = "--slide", description = "Slide to read.")
        Path slide;

        @Option(names = "--threads", defaultValue = "2", description = "Our reader threads (default ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--mpp", defaultValue = "0.5", description = "Patch µm/px (default ${DEFAULT-VALUE}).")
        double mpp;

        @Option(names = "--size", defaultValue = "256", description = "Patch side (default ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--rounds", defaultValue = "3", description = "Alternating rounds per side (default ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--seconds", defaultValue = "2", description = "Minimum seconds per round (default ${DEFAULT-VALUE}).")
        double seconds;

        @Override
        public Integer call() throws IOException {
            Path tmp = null;
            Path target = slide;
            if (target == null) {
                Path cmu = sharedData().resolve("slides/CMU-1-Small-Region.svs");
                if (Files.exists(cmu)) {
                    target = cmu;
                } else {
                    tmp = Files.createTempDirectory("histoscale-bench");
                    target = tmp.resolve("synthetic.svs");
                    SyntheticSlide.builder().optSizeMm(1.5, 1.5).optMpp(0.5).optSeed(1).addTumour(0.5).build().writeTiff(target);
                }
            } else if (!Files.exists(target)) {
                throw new UserException("slide not found: " + target);
            }
            try {
                print(TileBench.run(target, mpp, size, threads, rounds, seconds));
            } finally {
                if (tmp != null) {
                    Files.deleteIfExists(target);
                    Files.deleteIfExists(tmp);
                }
            }
            return 0;
        }
    }
}
