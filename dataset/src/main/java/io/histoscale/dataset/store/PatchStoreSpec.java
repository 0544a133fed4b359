package io.histoscale.dataset.store;

import io.histoscale.core.UserException;

import java.util.List;

/**
 * The shape of a patch store: patch size, channels, class names and compression, plus how its writer cuts shards
 * and, for a store of tiled slides, the {@link TilingOptions} its patches are cut with.
 *
 * <p>Stores are appended to only with the same {@link #sameFormat format} and, once recorded, the same tiling
 * options; the zstd level and shard size may differ between writers.
 *
 * @param width         patch width in pixels
 * @param height        patch height in pixels
 * @param channels      1 (grey) or 3 (RGB)
 * @param labelNames    class names, possibly empty for unlabelled patches
 * @param compression   how pixels are kept
 * @param zstdLevel     zstd level when compressing (1 fastest ... 19)
 * @param maxShardBytes a slide's patches go to a new shard file once one reaches this size
 * @param tiling        how the patches are cut from slides; null when not recorded (stores not made by tiling, or
 *                      made before options were recorded)
 */
public record PatchStoreSpec(int width, int height, int channels, List<String> labelNames, Compression compression,
                             int zstdLevel, long maxShardBytes, TilingOptions tiling) {

    /** Shards are memory-mapped whole, and one mapping holds at most 2 GiB. */
    static final long MAX_SHARD_BYTES_LIMIT = Integer.MAX_VALUE;

    public PatchStoreSpec {
        if (width <= 0 || height <= 0) throw new UserException("Patch size must be positive, not " + width + "x" + height + ".");
        if (channels != 1 && channels != 3) throw new UserException("Patches have 1 (grey) or 3 (RGB) channels, not " + channels + ".");
        labelNames = List.copyOf(labelNames);
        if (labelNames.stream().distinct().count() != labelNames.size()) {
            throw new UserException("Class names must be unique: " + labelNames + ".");
        }
        if (compression == null) throw new UserException("Choose a compression (NONE or ZSTD).");
        if (zstdLevel < 1 || zstdLevel > 19) throw new UserException("The zstd level must be 1 to 19, not " + zstdLevel + ".");
        long minShard = ShardFormat.minimumFileBytes((long) width * height * channels);
        if (maxShardBytes < minShard || maxShardBytes > MAX_SHARD_BYTES_LIMIT) {
            throw new UserException("The shard size must be between " + minShard + " bytes (one patch) and 2 GiB, not " + maxShardBytes + ".");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public int patchBytes() {
        return width * height * channels;
    }

    /** This spec with the patches cut with {@code options}. */
    public PatchStoreSpec withTiling(TilingOptions options) {
        return new PatchStoreSpec(width, height, channels, labelNames, compression, zstdLevel, maxShardBytes, options);
    }

    /** Whether patches written with {@code other} can go into the same store (tiling options aside). */
    public boolean sameFormat(PatchStoreSpec other) {
        return width == other.width && height == other.height && channels == other.channels
                && labelNames.equals(other.labelNames) && compression == other.compression;
    }

    /** The format part as people read it: "224x224x3, zstd, labels [normal, tumour]". */
    public String describe() {
        return width + "x" + height + "x" + channels + ", " + compression.name().toLowerCase() + ", labels " + labelNames;
    }

    /**
     * Builds a {@link PatchStoreSpec}; defaults: 224×224 RGB, no labels, zstd level 1 (on delta-filtered H&amp;E it
     * compresses better than level 3, and 5× faster), shards of 1 GiB.
     */
    public static final class Builder {
        private int width = 224;
        private int height = 224;
        private int channels = 3;
        private List<String> labelNames = List.of();
        private Compression compression = Compression.ZSTD;
        private int zstdLevel = 1;
        private long maxShardBytes = 1L << 30;
        private TilingOptions tiling;

        private Builder() {
        }

        public Builder patchSize(int size) {
            return patchSize(size, size);
        }

        public Builder patchSize(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        public Builder channels(int channels) {
            this.channels = channels;
            return this;
        }

        public Builder labels(String... names) {
            return labels(List.of(names));
        }

        public Builder labels(List<String> names) {
            this.labelNames = names;
            return this;
        }

        public Builder compression(Compression compression) {
            this.compression = compression;
            return this;
        }

        public Builder zstdLevel(int level) {
            this.zstdLevel = level;
            return this;
        }

        public Builder maxShardBytes(long bytes) {
            this.maxShardBytes = bytes;
            return this;
        }

        /** How the patches are cut from slides (default: not recorded). */
        public Builder tiling(TilingOptions options) {
            this.tiling = options;
            return this;
        }

        public PatchStoreSpec build() {
            return new PatchStoreSpec(width, height, channels, labelNames, compression, zstdLevel, maxShardBytes, tiling);
        }
    }
}
