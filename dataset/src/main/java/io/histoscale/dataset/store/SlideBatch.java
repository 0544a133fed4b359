package io.histoscale.dataset.store;

import com.github.luben.zstd.ZstdCompressCtx;
import io.histoscale.dataset.SlideEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.histoscale.dataset.store.PatchStoreWriter.*;

/**
 * The patches of one slide on their way into a store: written to temporary shard files, then made visible all at once
 * by {@link #commit()} or thrown away by {@link #abort()}. Use one batch from one thread at a time.
 *
 * <p>While the batch lives its process holds an OS lock on {@code shards/.tmp-<id>.lock}; when the process dies the
 * lock goes with it, which is how the next writer knows the temporary files are garbage.
 */
public final class SlideBatch implements AutoCloseable {
    private final PatchStoreWriter writer;
    private final SlideEntry slide;
    private final PatchStoreSpec spec;
    private final String id;
    private final Path lockFile;
    private final FileChannel lockChannel;
    private final ZstdCompressCtx zstd;
    private final byte[] filtered;
    private final byte[] compressed;
    private final List<ShardWriter.Sealed> sealed = new ArrayList<>();
    private ShardWriter current;
    private long patches;
    private boolean finished;

    /** Called under the store lock, so that no writer opening meanwhile mistakes this batch for a dead one. */
    SlideBatch(PatchStoreWriter writer, SlideEntry slide, PatchStoreSpec spec) {
        this.writer = writer;
        this.slide = slide;
        this.spec = spec;
        this.id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        this.lockFile = writer.shardsDir().resolve(TEMP_PREFIX + id + LOCK_SUFFIX);
        try {
            lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            lockChannel.lock();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start a batch in " + writer.shardsDir(), e);
        }
        LIVE_BATCHES.add(id);
        if (spec.compression() == Compression.ZSTD) {
            zstd = new ZstdCompressCtx().setLevel(spec.zstdLevel());
            filtered = new byte[spec.patchBytes()];
            compressed = new byte[(int) ShardFormat.maxPayloadBytes(spec.patchBytes())];
        } else {
            zstd = null;
            filtered = compressed = null;
        }
    }

    public SlideEntry slide() {
        return slide;
    }

    /** Patches added so far. */
    public synchronized long size() {
        return patches;
    }

    /** Adds one patch of HWC uint8 pixels ({@code width × height × channels} bytes). */
    public void add(byte[] pixels, PatchMeta meta) {
        add(ByteBuffer.wrap(pixels), meta);
    }

    /** Adds one patch from the {@code width × height × channels} bytes remaining in {@code pixels}, consuming them. */
    public synchronized void add(ByteBuffer pixels, PatchMeta meta) {
        ensureOpen();
        int bytes = spec.patchBytes();
        if (pixels.remaining() != bytes) {
            throw new IllegalArgumentException("A patch of " + spec.describe() + " has " + bytes + " bytes, not " + pixels.remaining());
        }
        if (meta.label() < -1 || meta.label() >= spec.labelNames().size()) {
            throw new IllegalArgumentException("Label " + meta.label() + " is not -1 or an index into " + spec.labelNames());
        }
        ByteBuffer payload = pixels.slice(pixels.position(), bytes);
        if (zstd != null) {
            payload.get(0, filtered);
            DeltaFilter.apply(filtered, spec.width(), spec.channels());
            payload = ByteBuffer.wrap(compressed, 0, zstd.compressByteArray(compressed, 0, compressed.length, filtered, 0, bytes));
        }
        try {
            if (current != null && current.sizeWith(payload.remaining()) > spec.maxShardBytes()) {
                sealed.add(current.seal());
                current = null;
            }
            if (current == null) {
                current = new ShardWriter(writer.shardsDir().resolve(TEMP_PREFIX + id + "-" + sealed.size() + SHARD_SUFFIX));
            }
            current.add(payload, meta);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write a patch of slide " + slide.name() + " to " + writer.shardsDir(), e);
        }
        pixels.position(pixels.position() + bytes);
        patches++;
    }

    /**
     * Seals the shards (flushed to disk, renamed to their final names) and records the slide as complete, in one
     * locked update of the manifest; readers see all of the slide's patches or none.
     */
    public synchronized void commit() {
        ensureOpen();
        finished = true;
        try {
            if (current != null) {
                sealed.add(current.seal());
                current = null;
            }
            writer.commit(this, sealed);
        } catch (IOException | RuntimeException e) {
            discardFiles();
            release();
            if (e instanceof RuntimeException runtime) throw runtime;
            throw new UncheckedIOException("Cannot commit slide " + slide.name() + " to " + writer.directory(), (IOException) e);
        }
        release();
    }

    /** Deletes everything written for this slide; the store stays as it was. Does nothing once finished. */
    public synchronized void abort() {
        if (finished) return;
        finished = true;
        discardFiles();
        release();
    }

    /** Aborts unless committed, so that a batch in try-with-resources never leaves temporary files. */
    @Override
    public void close() {
        abort();
    }

    String id() {
        return id;
    }

    private void ensureOpen() {
        if (finished) throw new IllegalStateException("The batch of slide " + slide.name() + " is already committed or aborted");
    }

    private void discardFiles() {
        try {
            if (current != null) current.discard();
            current = null;
            for (ShardWriter.Sealed shard : sealed) Files.deleteIfExists(shard.file());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete unfinished shards of slide " + slide.name(), e);
        }
    }

    private void release() {
        try {
            Files.deleteIfExists(lockFile);
            lockChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot release " + lockFile, e);
        } finally {
            LIVE_BATCHES.remove(id);
            writer.forget(this);
            if (zstd != null) zstd.close();
        }
    }
}
