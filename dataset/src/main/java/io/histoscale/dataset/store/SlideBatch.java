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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private final SlideOrigin origin;
    private final PatchStoreSpec spec;
    private final String id;
    private final Path lockFile;
    private final FileChannel lockChannel;
    private final ZstdCompressCtx zstd;
    private final byte[] filtered;
    private final byte[] compressed;
    private final List<ShardWriter.Sealed> sealed = new ArrayList<>();
    /** Patches per label, unlabelled first: {@code labelCounts[label + 1]}. */
    private final long[] labelCounts;
    private ShardWriter current;
    private long patches;
    private boolean finished;

    /** Called under the store lock, so that no writer opening meanwhile mistakes this batch for a dead one. */
    SlideBatch(PatchStoreWriter writer, SlideEntry slide, SlideOrigin origin, PatchStoreSpec spec) {
        this.writer = writer;
        this.slide = slide;
        this.origin = origin;
        this.spec = spec;
        this.labelCounts = new long[spec.labelNames().size() + 1];
        this.id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        this.lockFile = writer.shardsDir().resolve(TEMP_PREFIX + id + LOCK_SUFFIX);
        FileChannel opened = null;
        try {
            opened = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            opened.lock();
        } catch (IOException e) {
            try {
                if (opened != null) opened.close();
                Files.deleteIfExists(lockFile);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw StoreWriteException.of(writer.directory(), "starting slide " + slide.name(), e);
        }
        lockChannel = opened;
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

    /** The slide as begun; its name may still get a suffix when committed (see {@link #commit()}). */
    public SlideEntry slide() {
        return slide;
    }

    /** The file the slide comes from; null for a slide known by its name only. */
    public SlideOrigin origin() {
        return origin;
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
            throw StoreWriteException.of(writer.directory(), "writing slide " + slide.name(), e);
        }
        pixels.position(pixels.position() + bytes);
        patches++;
        labelCounts[meta.label() + 1]++;
    }

    /**
     * Seals the shards (flushed to disk, renamed to their final names) and records the slide as complete, in one
     * locked update of the manifest; readers see all of the slide's patches or none. A slide from a file whose name
     * another file has in the store already is committed as {@code name~} and the start of its fingerprint.
     *
     * @return the slide as committed, under its name in the store
     * @throws StoreWriteException when the store cannot be written; the batch is discarded and the store is unchanged
     */
    public synchronized SlideEntry commit() {
        ensureOpen();
        finished = true;
        SlideEntry committed;
        try {
            if (current != null) {
                sealed.add(current.seal());
                current = null;
            }
            committed = writer.commit(this, sealed, labelCounts());
        } catch (IOException | RuntimeException e) {
            try {
                discardFiles();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            try {
                release();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof RuntimeException runtime) throw runtime;
            throw StoreWriteException.of(writer.directory(), "committing slide " + slide.name(), e);
        }
        release();
        return committed;
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

    /** Patches per class name, every class listed; unlabelled patches under {@value Manifest#UNLABELLED} if any. */
    private Map<String, Long> labelCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int label = 0; label < spec.labelNames().size(); label++) {
            counts.put(spec.labelNames().get(label), labelCounts[label + 1]);
        }
        if (labelCounts[0] > 0) counts.put(Manifest.UNLABELLED, labelCounts[0]);
        return counts;
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

    /** Gives up the batch's lock; never fails, so that a committed slide is never reported as failed. */
    private void release() {
        try {
            Files.deleteIfExists(lockFile);
        } catch (IOException e) {
            // its lock is released below, so the next writer removes it as a dead batch's
        }
        try {
            lockChannel.close();
        } catch (IOException e) {
            // the process's lock on the file goes with the channel all the same
        } finally {
            LIVE_BATCHES.remove(id);
            writer.forget(this);
            if (zstd != null) zstd.close();
        }
    }
}
