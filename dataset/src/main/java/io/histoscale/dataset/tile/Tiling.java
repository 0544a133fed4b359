package io.histoscale.dataset.tile;

import io.histoscale.core.UserException;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.dataset.store.PatchStoreSpec;
import io.histoscale.dataset.store.PatchStoreWriter;
import io.histoscale.slide.Slide;
import io.histoscale.slide.Slides;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Carries out a {@link TileRequest}: finds the slides, opens each with the requested reader (and assumed resolution),
 * creates or appends to the patch store and runs the {@link Tiler}. What every front end calls.
 */
public final class Tiling {

    private Tiling() {
    }

    /**
     * Tiles the request's slides; slides already complete in the store are skipped, bad ones reported. An existing
     * store keeps its compression; it takes slides only at the tiling options it holds.
     *
     * @throws UserException for a bad setting, an unknown backend, an unusable store, options other than the store's
     *                       or a store that cannot be written (see {@link Tiler#run})
     */
    public static TileReport run(TileRequest request, Tiler.Listener listener) {
        List<Path> files = SlideFiles.expand(request.slides());
        Tiler.Builder b = Tiler.builder().setMpp(request.mpp()).setPatchSize(request.size())
                .optMinTissue(request.minTissue()).optTumourThreshold(request.tumourThreshold())
                .optAnnotations(request.annotations()).optRepairAnnotations(request.repairAnnotations())
                .optCentre(request.centre()).optPatientPattern(request.patientPattern())
                .optOpener(opener(request.backend(), request.assumeMpp()));
        if (request.stride() > 0) {
            b.optStride(request.stride());
        }
        if (request.threads() > 0) {
            b.optThreads(request.threads());
        }
        if (request.thumbnails()) {
            b.optThumbnails(request.out().resolve("thumbnails"));
        }
        Tiler tiler = b.build();
        try (PatchStoreWriter writer = openStore(request, tiler)) {
            return tiler.run(files, writer, listener);
        }
    }

    /**
     * How slides are opened: {@code auto} (the best registered reader) or a reader by name; with an assumed
     * resolution for slides that record none.
     *
     * @throws UserException keyed {@code backend} for a name no reader is registered under
     */
    public static Function<Path, Slide> opener(String backend, Double assumeMpp) {
        String name = backend.toLowerCase(Locale.ROOT);
        if (!name.equals("auto")) {
            List<String> names = new ArrayList<>(List.of("auto"));
            Slides.providers().forEach(p -> names.add(p.backend().name()));
            if (!names.contains(name)) {
                throw UserException.forKey("backend", "'" + backend + "': use one of " + names);
            }
        }
        return path -> {
            Slide slide = name.equals("auto") ? Slides.open(path) : Slides.open(path, name);
            return assumeMpp == null ? slide : Slides.withAssumedMpp(slide, assumeMpp);
        };
    }

    private static PatchStoreWriter openStore(TileRequest request, Tiler tiler) {
        Path out = request.out();
        if (Files.exists(out.resolve("manifest.json"))) {
            return PatchStore.append(out);
        }
        PatchStoreSpec spec = PatchStoreSpec.builder().patchSize(request.size()).labels(tiler.labelNames())
                .compression(request.compression()).tiling(tiler.tilingOptions()).build();
        return PatchStore.append(out, spec); // creates it; safe when array tasks start together
    }
}
