package io.histoscale.dataset.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One writer's exclusive right to a slide file (by fingerprint) while it decides whether the store needs it and
 * writes it, so that two processes or threads given the same slides share the work instead of colliding.
 *
 * <p>A claim is an OS lock on one byte of {@code claims.lock}, at an offset taken from the fingerprint: no file per
 * slide to clean up, and a dead process's claims go with it. The locks of a process on a file are lost when it closes
 * any channel to that file, so each JVM keeps one channel per store for all its claims, and tracks the offsets it
 * holds (the OS lock does not exclude the JVM's own threads). Claims are only ever tried, never waited for: a blocking
 * byte-range lock can fail with a false deadlock when two processes each hold one claim and wait for the other's.
 */
public final class SlideClaim implements AutoCloseable {
    static final String FILE = "claims.lock";

    /** Per store (real path): the one channel and the offsets this JVM holds. Guarded by itself. */
    private static final Map<Path, Claims> OPEN = new HashMap<>();

    private static final class Claims {
        final FileChannel channel;
        final Set<Long> held = new HashSet<>();

        Claims(FileChannel channel) {
            this.channel = channel;
        }
    }

    private final Path store;
    private final long offset;
    private final FileLock lock;
    private boolean released;

    private SlideClaim(Path store, long offset, FileLock lock) {
        this.store = store;
        this.offset = offset;
        this.lock = lock;
    }

    /** Claims the slide with {@code fingerprint} in the store in {@code dir}, unless another writer holds it. */
    static Optional<SlideClaim> tryClaim(Path dir, String fingerprint) {
        long offset = Long.parseUnsignedLong(fingerprint.substring(0, 15), 16); // 60 bits: a valid lock position
        synchronized (OPEN) {
            Path store;
            Claims claims;
            try {
                store = dir.toRealPath();
                claims = OPEN.get(store);
                if (claims == null) {
                    claims = new Claims(FileChannel.open(store.resolve(FILE), StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE));
                    OPEN.put(store, claims);
                }
            } catch (IOException e) {
                throw StoreWriteException.of(dir, "claiming a slide", e);
            }
            if (claims.held.contains(offset)) return Optional.empty();
            FileLock lock;
            try {
                lock = claims.channel.tryLock(offset, 1, false);
            } catch (IOException e) {
                closeIfUnused(store, claims);
                throw StoreWriteException.of(dir, "claiming a slide", e);
            }
            if (lock == null) {
                closeIfUnused(store, claims);
                return Optional.empty();
            }
            claims.held.add(offset);
            return Optional.of(new SlideClaim(store, offset, lock));
        }
    }

    /** Gives the slide up to other writers. */
    @Override
    public void close() {
        synchronized (OPEN) {
            if (released) return;
            released = true;
            Claims claims = OPEN.get(store);
            claims.held.remove(offset);
            try {
                lock.release();
            } catch (IOException e) {
                // the channel is closed below when unused, which releases the lock all the same
            } finally {
                closeIfUnused(store, claims);
            }
        }
    }

    private static void closeIfUnused(Path store, Claims claims) {
        if (!claims.held.isEmpty()) return;
        OPEN.remove(store);
        try {
            claims.channel.close();
        } catch (IOException e) {
            // nothing is held through it any more
        }
    }
}
