package io.histoscale.bench.tile;

import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.bench.Peers;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.dataset.tile.PatchReader;
import io.histoscale.slide.Slide;
import io.histoscale.slide.Slides;
import io.histoscale.slide.tissue.PatchGrid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Patch reading speed of HistoScale's tiler against Debian's python3-openslide reading the same regions of the same
 * slide in the same run.
 *
 * <p>Both sides do what a patch pipeline must: read a region and turn it into RGB bytes. Rounds alternate between the
 * two sides and the medians are compared, because the machine is shared.
 */
public final class TileBench {

    private TileBench() {
    }

    /**
     * @param slidePath slide to read (e.g. CMU-1-Small-Region.svs)
     * @param mpp       patch resolution
     * @param size      patch side in pixels
     * @param threads   our reader threads (the peer is one Python process, as people use it)
     * @param rounds    alternating rounds per side
     * @param minSeconds minimum duration of one round, so short slides are read several times per round
     */
    public static Map<String, Object> run(Path slidePath, double mpp, int size, int threads, int rounds,
                                          double minSeconds) {
        try (Slide slide = Slides.open(slidePath)) {
            // Half-overlapping grid over the whole slide: more regions from a small slide, tile seams crossed.
            PatchGrid grid = PatchGrid.builder(slide).setMpp(mpp).setPatchSize(size).optStride(size / 2).build();
            List<long[]> regions = grid.patches().stream()
                    .map(p -> new long[]{grid.level(), p.x(), p.y(), grid.readSize(), grid.readSize()}).toList();
            if (regions.isEmpty()) throw new UserException("slide " + slidePath + " is smaller than one patch");
            Path regionsFile = Files.createTempFile("histoscale-regions", ".json");
            try {
                Json.MAPPER.writeValue(regionsFile.toFile(), regions);
                PatchReader reader = new PatchReader(slide, grid);
                double perRound = ours(reader, grid.patches(), threads, 1).patchesPerSecond;
                int passes = (int) Math.max(1, Math.ceil(minSeconds * perRound / regions.size()));
                double[] ours = new double[rounds], peer = new double[rounds], single = new double[rounds];
                JsonNode peerInfo = null;
                for (int r = 0; r < rounds; r++) {
                    ours[r] = ours(reader, grid.patches(), threads, passes).patchesPerSecond;
                    // absolute: the peer runs in its own temporary folder
                    peerInfo = Peers.runPython(TileBench.class, "openslide_read_regions.py",
                            "python3-openslide python3-numpy", slidePath.toAbsolutePath().toString(),
                            regionsFile.toString(), Integer.toString(passes));
                    peer[r] = peerInfo.get("patches_per_s").asDouble();
                    single[r] = ours(reader, grid.patches(), 1, passes).patchesPerSecond;
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("bench", "tile");
                out.put("ours", round(Peers.median(ours)));
                out.put("peer", round(Peers.median(peer)));
                out.put("unit", "patches/s");
                out.put("ratio", round(Peers.median(ours) / Peers.median(peer)));
                out.put("ours_threads", threads);
                out.put("ours_single_thread", round(Peers.median(single)));
                out.put("ratio_single_thread", round(Peers.median(single) / Peers.median(peer)));
                out.put("peer_name", "python3-openslide " + peerInfo.get("openslide_python").asText() + " on OpenSlide "
                        + peerInfo.get("openslide_library").asText() + ", one process: read_region + convert('RGB') + numpy");
                out.put("ours_backend", slide.backend().name());
                out.put("slide", slidePath.toString());
                out.put("level", grid.level());
                out.put("read_size", grid.readSize());
                out.put("patch_size", size);
                out.put("mpp", mpp);
                out.put("regions", regions.size());
                out.put("passes_per_round", passes);
                out.put("rounds", rounds);
                out.put("cores", Runtime.getRuntime().availableProcessors());
                return out;
            } finally {
                Files.deleteIfExists(regionsFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Speed(double patchesPerSecond, long checksum) {
    }

    private static Speed ours(PatchReader reader, List<PatchGrid.Cell> regions, int threads, int passes) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong checksum = new AtomicLong();
        try {
            long start = System.nanoTime();
            List<Future<?>> parts = new ArrayList<>();
            int n = regions.size() * passes;
            int chunk = Math.max(1, n / (threads * 8));
            for (int from = 0; from < n; from += chunk) {
                int a = from, b = Math.min(n, from + chunk);
                parts.add(pool.submit(() -> {
                    for (int i = a; i < b; i++) {
                        byte[] rgb = reader.read(regions.get(i % regions.size()));
                        checksum.addAndGet(rgb[rgb.length / 2] & 0xff);
                    }
                }));
            }
            for (Future<?> f : parts) f.get();
            return new Speed(n / ((System.nanoTime() - start) / 1e9), checksum.get());
        } catch (Exception e) {
            throw new IllegalStateException("benchmark read failed", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
