package io.histoscale.cli;

import io.histoscale.bench.Peers;
import io.histoscale.bench.store.StoreReadBench;
import io.histoscale.dataset.store.Compression;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.dataset.store.PatchStoreSpec;
import io.histoscale.dataset.store.PatchStoreWriter;
import io.histoscale.dataset.tile.Tiler;
import io.histoscale.synth.SyntheticSlide;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Training-side read speed: random patches from HistoScale's zstd patch store against the same patches kept as PNG
 * files and decoded with Pillow, the way image-folder pipelines read them. Same patches, same count, one reader each.
 */
@Command(name = "store", description = "Random patch reads per second: the zstd patch store vs PNG files decoded by Pillow.")
final class StoreBench implements Callable<Integer> {

    @Option(names = "--size", defaultValue = "224", description = "Patch side (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--reads", defaultValue = "3000", description = "Random reads per side and round (default ${DEFAULT-VALUE}).")
    int reads;

    @Option(names = "--rounds", defaultValue = "3", description = "Alternating rounds (default ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("histoscale-bench-store");
        try {
            Path slide = work.resolve("slide.svs");
            SyntheticSlide.builder().optSizeMm(4, 4).optMpp(0.5).optSeed(5).addTumour(1.5).build().writeTiff(slide);
            Path store = work.resolve("store");
            Tiler tiler = Tiler.builder().setMpp(0.5).setPatchSize(size).optStride(size / 2).optMinTissue(0.1).build();
            try (PatchStoreWriter w = PatchStore.create(store, PatchStoreSpec.builder().patchSize(size)
                    .labels(tiler.labelNames()).compression(Compression.ZSTD).build())) {
                tiler.run(List.of(slide), w, new Tiler.Listener() {
                });
            }
            Path pngs = Files.createDirectories(work.resolve("png"));
            Map<String, Object> out = new LinkedHashMap<>();
            try (PatchStore s = PatchStore.open(store)) {
                for (long i = 0; i < s.size(); i++) {
                    ImageIO.write(s.image(i), "png", pngs.resolve(String.format("patch_%06d.png", i)).toFile());
                }
                double[] ours = new double[rounds], peer = new double[rounds];
                StoreReadBench.run(s, 1, StoreReadBench.Order.RANDOM, reads); // warm the JIT and the page cache
                for (int r = 0; r < rounds; r++) {
                    ours[r] = StoreReadBench.run(s, 1, StoreReadBench.Order.RANDOM, reads).patchesPerSecond();
                    peer[r] = Peers.runPython(StoreReadBench.class, "png_patch_reader.py",
                            "python3-pil python3-numpy", pngs.toString(), Integer.toString(reads))
                            .get("patches_per_s").asDouble();
                }
                int cores = Runtime.getRuntime().availableProcessors();
                double all = StoreReadBench.run(s, cores, StoreReadBench.Order.RANDOM, (long) reads * cores).patchesPerSecond();
                double oursMedian = Peers.median(ours), peerMedian = Peers.median(peer);
                out.put("bench", "store");
                out.put("ours", Math.round(oursMedian));
                out.put("peer", Math.round(peerMedian));
                out.put("unit", "patches/s");
                out.put("ratio", Math.round(oursMedian / peerMedian * 100) / 100.0);
                out.put("peer_name", "PNG files decoded by Pillow into numpy (Debian python3), one process");
                out.put("ours_name", "zstd patch store, random reads into a direct batch buffer, one thread");
                out.put("ours_all_cores", Math.round(all));
                out.put("cores", cores);
                out.put("patch", size + "x" + size + "x3");
                out.put("patches_in_store", s.size());
                out.put("store_bytes_per_patch", s.bytesOnDisk() / s.size());
                out.put("png_bytes_per_patch", folderBytes(pngs) / s.size());
            }
            BenchCommand.print(out);
            return 0;
        } finally {
            Peers.deleteTree(work);
        }
    }

    private static long folderBytes(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
