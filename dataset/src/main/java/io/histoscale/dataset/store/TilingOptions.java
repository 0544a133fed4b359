package io.histoscale.dataset.store;

import io.histoscale.core.UserException;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The tiling options that decide what a patch of a store is, recorded in its manifest so that one store never mixes
 * patches cut differently: a store takes slides only at the options it already holds.
 *
 * <p>Recorded: resolution, patch size, stride, the tissue share a patch needs and, for labelled stores, the tumour
 * share that makes a patch tumour (the class names themselves are part of {@link PatchStoreSpec}). Not recorded, as
 * they do not change a patch: compression, threads, thumbnails, centre, patient pattern, reader backend; the pyramid
 * level is chosen per slide from the resolution; repairing self-intersecting annotation polygons decides whether a
 * slide can be labelled at all, and a re-run that adds it must be able to append the slides that failed without it.
 *
 * @param mpp             micrometres per pixel of the patches
 * @param size            patch side in pixels
 * @param stride          step between patches in pixels
 * @param minTissue       minimum tissue share of a patch
 * @param tumourThreshold tumour share that makes a patch tumour; null for unlabelled patches
 */
public record TilingOptions(double mpp, int size, int stride, double minTissue, Double tumourThreshold) {

    public TilingOptions {
        if (!(mpp > 0) || size <= 0 || stride <= 0) {
            throw new IllegalArgumentException("tiling options need a positive mpp, size and stride: " + mpp + ", " + size + ", " + stride);
        }
    }

    /** The options by configuration key, in the order people read them. */
    public Map<String, Object> byKey() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("mpp", mpp);
        map.put("size", size);
        map.put("stride", stride);
        map.put("min_tissue", minTissue);
        if (tumourThreshold != null) map.put("tumour_threshold", tumourThreshold);
        return map;
    }

    /** "mpp 0.5, size 256, stride 256, min_tissue 0.5, tumour_threshold 0.5". */
    public String describe() {
        return byKey().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    /**
     * The refusal to append patches cut with {@code wanted} to the store in {@code store} that holds patches cut with
     * these options, keyed by the first option that differs.
     */
    UserException refusal(Path store, TilingOptions wanted) {
        Map<String, Object> held = byKey(), asked = wanted.byKey();
        String key = asked.keySet().stream().filter(k -> !Objects.equals(held.get(k), asked.get(k))).findFirst()
                .orElseGet(() -> held.keySet().stream().filter(k -> !asked.containsKey(k)).findFirst().orElse("mpp"));
        return UserException.forKey(key, (asked.containsKey(key) ? asked.get(key) : "(none)") + ": the store " + store
                + " holds patches cut with " + describe() + ", and one store never mixes patches cut differently; "
                + "this run asks for " + wanted.describe() + ". Tile with the store's options, or into a new store "
                + "(another output folder).");
    }
}
