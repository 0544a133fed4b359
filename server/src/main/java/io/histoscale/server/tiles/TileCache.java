package io.histoscale.server.tiles;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encoded tiles kept in memory, bounded by their total size in bytes; the least recently used go first. Thread-safe
 * (one lock; a lookup is a hash probe, so the lock is held for nanoseconds).
 *
 * <p>A plain access-ordered {@link LinkedHashMap}: the only cache library on the class path (Guava) comes in
 * transitively through gRPC, and this module should not depend on it by accident.
 */
public final class TileCache {

    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    /** Counted per entry besides its bytes: key, map node and array header, roughly. */
    static final int ENTRY_OVERHEAD = 128;

    /**
     * A tile of one slide.
     *
     * @param slide identity of the slide as it was opened (path plus size and modification time, so a replaced file
     *              does not serve old tiles)
     */
    public record Key(String slide, int level, int col, int row) {
    }

    private final long maxBytes;
    private final LinkedHashMap<Key, byte[]> tiles = new LinkedHashMap<>(256, 0.75f, true);
    private long bytes;
    private long hits, misses, evictions;

    public TileCache() {
        this(DEFAULT_MAX_BYTES);
    }

    /** @param maxBytes bound on the bytes held (tiles plus a small per-entry overhead); 0 caches nothing */
    public TileCache(long maxBytes) {
        if (maxBytes < 0) throw new IllegalArgumentException("cache size must not be negative, got " + maxBytes);
        this.maxBytes = maxBytes;
    }

    /** The tile, or null when it is not held. */
    public byte[] get(Key key) {
        synchronized (tiles) {
            byte[] tile = tiles.get(key);
            if (tile == null) misses++;
            else hits++;
            return tile;
        }
    }

    /** Keeps a tile, dropping the least recently used ones to stay within the bound; one larger than it is not kept. */
    public void put(Key key, byte[] tile) {
        long size = weight(tile);
        synchronized (tiles) {
            byte[] old = tiles.remove(key);
            if (old != null) bytes -= weight(old);
            if (size > maxBytes) return;
            tiles.put(key, tile);
            bytes += size;
            for (Iterator<Map.Entry<Key, byte[]>> it = tiles.entrySet().iterator(); bytes > maxBytes && it.hasNext(); ) {
                bytes -= weight(it.next().getValue());
                it.remove();
                evictions++;
            }
        }
    }

    /** Drops every tile of one slide (by its identity in {@link Key#slide()}). */
    public void invalidate(String slide) {
        synchronized (tiles) {
            for (Iterator<Map.Entry<Key, byte[]>> it = tiles.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Key, byte[]> e = it.next();
                if (e.getKey().slide().equals(slide)) {
                    bytes -= weight(e.getValue());
                    it.remove();
                }
            }
        }
    }

    public void clear() {
        synchronized (tiles) {
            tiles.clear();
            bytes = 0;
        }
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Bytes held, per-entry overhead included; never above {@link #maxBytes()}. */
    public long bytes() {
        synchronized (tiles) {
            return bytes;
        }
    }

    public int size() {
        synchronized (tiles) {
            return tiles.size();
        }
    }

    /** Counters since creation. */
    public record Stats(long hits, long misses, long evictions, int tiles, long bytes) {
    }

    public Stats stats() {
        synchronized (tiles) {
            return new Stats(hits, misses, evictions, tiles.size(), bytes);
        }
    }

    private static long weight(byte[] tile) {
        return tile.length + ENTRY_OVERHEAD;
    }
}
