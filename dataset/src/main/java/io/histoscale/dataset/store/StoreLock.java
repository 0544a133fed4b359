package io.histoscale.dataset.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive right to change a store: an OS file lock (other processes, other nodes on a shared file system that
 * supports locking) plus an in-process lock, because the OS lock belongs to the whole JVM and does not exclude its
 * own threads. Not reentrant.
 */
final class StoreLock implements AutoCloseable {
    static final String FILE = "manifest.lock";
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock threads;
    private final FileChannel channel;

    private StoreLock(Path dir) {
        try {
            threads = IN_PROCESS.computeIfAbsent(dir.toRealPath(), d -> new ReentrantLock());
        } catch (IOException e) {
            throw StoreWriteException.of(dir, "locking it", e);
        }
        threads.lock();
        FileChannel opened = null;
        try {
            opened = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            opened.lock();
        } catch (IOException e) {
            closeQuietly(opened);
            threads.unlock();
            throw StoreWriteException.of(dir, "locking it", e);
        }
        channel = opened;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException suppressed) {
            // already failing with the lock error
        }
    }

    static StoreLock acquire(Path dir) {
        return new StoreLock(dir);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            threads.unlock();
        }
    }
}
