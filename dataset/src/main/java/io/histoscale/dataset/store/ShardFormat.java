package io.histoscale.dataset.store;

import com.github.luben.zstd.Zstd;

/**
 * Layout of a shard file ({@code .hsp}), all little-endian:
 *
 * <pre>
 * header   16 bytes  magic "HSP1", format version, record size, 0
 * payloads           one per patch: raw HWC uint8, or one zstd frame of {@link DeltaFilter delta-filtered} pixels
 * index    48 bytes per patch, fixed size so patch k's record is found without a search:
 *            0 long offset of the payload    8 int payload length   12 int label
 *           16 long x (level 0)             24 long y (level 0)     32 double mpp
 *           40 int level                    44 float tumour fraction
 * trailer  16 bytes  long index offset, int patch count, magic "HSPE"
 * </pre>
 *
 * <p>The index sits at the end of the same file as the pixels, so a shard is sealed by one rename and covered by one
 * checksum; a shard holds patches of one slide only (the manifest says which).
 */
final class ShardFormat {
    static final int MAGIC = 0x31505348;     // "HSP1"
    static final int END_MAGIC = 0x45505348; // "HSPE"
    static final int VERSION = 1;
    static final int HEADER_BYTES = 16;
    static final int RECORD_BYTES = 48;
    static final int TRAILER_BYTES = 16;

    static final int OFFSET = 0;
    static final int LENGTH = 8;
    static final int LABEL = 12;
    static final int X = 16;
    static final int Y = 24;
    static final int MPP = 32;
    static final int LEVEL = 40;
    static final int TUMOUR_FRACTION = 44;

    /** The most a zstd block decompresses to. */
    private static final long ZSTD_BLOCK = 128 << 10;

    private ShardFormat() {
    }

    /** The largest a single payload can be: zstd may grow incompressible pixels by a few bytes. */
    static long maxPayloadBytes(long patchBytes) {
        return Math.max(patchBytes, Zstd.compressBound(patchBytes));
    }

    /**
     * Whether a shard file of {@code fileBytes} can hold {@code patches} patches of {@code patchBytes} pixels: besides
     * header, index and trailer, each patch takes its raw pixels, or at least the shortest zstd frame of that size (a
     * 6-byte header, then one 4-byte RLE block per 128 KiB). Checked before anyone allocates patch buffers, so that a
     * manifest cannot make readers allocate for patches its shards do not have.
     */
    static boolean canHold(long fileBytes, long patches, long patchBytes, Compression compression) {
        long payload = compression == Compression.NONE ? patchBytes : 6 + 4 * ((patchBytes + ZSTD_BLOCK - 1) / ZSTD_BLOCK);
        return patches <= (fileBytes - HEADER_BYTES - TRAILER_BYTES) / (RECORD_BYTES + payload);
    }

    /** Size of a shard holding one patch of the largest payload, the least a shard limit can be. */
    static long minimumFileBytes(long patchBytes) {
        return HEADER_BYTES + maxPayloadBytes(patchBytes) + RECORD_BYTES + TRAILER_BYTES;
    }
}
