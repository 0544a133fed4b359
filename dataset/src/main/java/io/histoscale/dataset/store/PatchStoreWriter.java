package io.histoscale.dataset.store;

import io.histoscale.core.UserException;
import io.histoscale.dataset.SlideEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Appends whole slides to a patch store; get one from {@link PatchStore#create}, {@link PatchStore#append(Path)} or
 * {@link PatchStore#append(Path, PatchStoreSpec)}.
 *
 * <p>Each slide is written through its own {@link SlideBatch}, and several threads may each hold one at once. Several
 * processes may append to the same store too: commits are serialised by a lock file, and a slide becomes visible to
 * readers all at once when its batch commits. Opening a writer removes what killed writers left behind.
 */
public final class PatchStoreWriter implements AutoCloseable {
    static final String SHARDS = "shards";
    static final String TEMP_PREFIX = ".tmp-";
    static final String SHARD_SUFFIX = ".hsp";
    static final String LOCK_SUFFIX = ".lock";

    /** Batches alive in this JVM: their lock files must not be probed, as closing a probe would release the lock. */
    static final Set<String> LIVE_BATCHES = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final PatchStoreSpec spec;
    private final Set<SlideBatch> openBatches = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private PatchStoreWriter(Path dir, PatchStoreSpec spec) {
        this.dir = dir;
        this.spec = spec;
    }

    /** Opens the store in {@code dir} for appending, creating it when {@code mustBeNew} or absent. */
    static PatchStoreWriter open(Path dir, PatchStoreSpec spec, boolean mustBeNew) {
        try {
            Files.createDirectories(dir.resolve(SHARDS));
        } catch (IOException e) {
            throw new UserException("Cannot create patch store directory " + dir + ": " + e.getMessage(), e);
        }
        try (StoreLock lock = StoreLock.acquire(dir)) {
            if (!Manifest.exists(dir)) {
                Manifest.empty(spec).write(dir);
            } else if (mustBeNew) {
                throw new UserException("A patch store already exists in " + dir + ". Append to it, or create the new store "
                        + "in an empty directory.");
            } else {
                Manifest manifest = Manifest.read(dir);
                if (!manifest.spec().sameFormat(spec)) {
                    throw new UserException("Patch store " + dir + " holds " + manifest.spec().describe() + " patches, not "
                            + spec.describe() + ". Write to a new store, or use the store's format.");
                }
                removeLeftovers(dir, manifest);
            }
        }
        return new PatchStoreWriter(dir, spec);
    }

    public Path directory() {
        return dir;
    }

    public PatchStoreSpec spec() {
        return spec;
    }

    /** Whether {@code slideName} is committed, by this or any other writer (resumable tiling skips it). */
    public boolean isComplete(String slideName) {
        return Manifest.read(dir).hasSlide(slideName);
    }

    /** Names of all committed slides, in commit order. */
    public Set<String> completedSlides() {
        return Manifest.read(dir).slides().stream().map(Manifest.SlideRecord::name)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** Starts writing the patches of one slide; nothing is visible to readers until {@link SlideBatch#commit()}. */
    public SlideBatch beginSlide(SlideEntry slide) {
        if (closed) throw new IllegalStateException("The writer of " + dir + " is closed");
        SlideBatch batch;
        try (StoreLock lock = StoreLock.acquire(dir)) {
            if (Manifest.read(dir).hasSlide(slide.name())) {
                throw new UserException("Slide " + slide.name() + " is already complete in patch store " + dir
                        + ". Skip it (isComplete), or write to a new store.");
            }
            if (openBatches.stream().anyMatch(b -> b.slide().name().equals(slide.name()))) {
                throw new UserException("Slide " + slide.name() + " is already being written to " + dir + ".");
            }
            batch = new SlideBatch(this, slide, spec);
        }
        openBatches.add(batch);
        return batch;
    }

    /** Aborts batches still open; committed slides stay. */
    @Override
    public void close() {
        closed = true;
        for (SlideBatch batch : List.copyOf(openBatches)) batch.abort();
    }

    Path shardsDir() {
        return dir.resolve(SHARDS);
    }

    void forget(SlideBatch batch) {
        openBatches.remove(batch);
    }

    /** Renames the sealed shards to their final names and lists the slide in the manifest, in one locked step. */
    void commit(SlideBatch batch, List<ShardWriter.Sealed> sealed) throws IOException {
        String slideName = batch.slide().name();
        try (StoreLock lock = StoreLock.acquire(dir)) {
            Manifest manifest = Manifest.read(dir);
            if (manifest.hasSlide(slideName)) {
                throw new UserException("Slide " + slideName + " was committed to " + dir + " by another writer while this "
                        + "one wrote it; this copy is discarded. Give each slide to one writer.");
            }
            List<Manifest.ShardEntry> entries = new ArrayList<>();
            long patches = 0;
            for (ShardWriter.Sealed shard : sealed) {
                String file = SHARDS + "/" + fileSafe(slideName) + "-" + batch.id() + "-" + entries.size() + SHARD_SUFFIX;
                Files.move(shard.file(), dir.resolve(file), StandardCopyOption.ATOMIC_MOVE);
                entries.add(new Manifest.ShardEntry(file, slideName, shard.patches(), shard.bytes(),
                        Manifest.ShardEntry.hex(shard.crc32c())));
                patches += shard.patches();
            }
            if (!entries.isEmpty()) Manifest.syncDirectory(shardsDir());
            manifest.withSlide(Manifest.SlideRecord.of(batch.slide(), patches), entries).write(dir);
        }
    }

    /**
     * Deletes files of writers that died: temporary shards whose batch lock no process holds, and sealed shards that a
     * commit renamed but never listed. Runs under the store lock, when no commit can be half done.
     */
    private static void removeLeftovers(Path dir, Manifest manifest) {
        Path shards = dir.resolve(SHARDS);
        Set<String> committed = manifest.shards().stream()
                .map(s -> Path.of(s.file()).getFileName().toString()).collect(Collectors.toSet());
        try {
            for (Path lockFile : list(shards)) {
                String name = lockFile.getFileName().toString();
                if (name.startsWith(TEMP_PREFIX) && name.endsWith(LOCK_SUFFIX)) {
                    String id = name.substring(TEMP_PREFIX.length(), name.length() - LOCK_SUFFIX.length());
                    if (!LIVE_BATCHES.contains(id) && ownerIsGone(lockFile)) Files.deleteIfExists(lockFile);
                }
            }
            for (Path file : list(shards)) {
                String name = file.getFileName().toString();
                if (!name.endsWith(SHARD_SUFFIX)) continue;
                boolean orphan = name.startsWith(TEMP_PREFIX)
                        ? !Files.exists(shards.resolve(TEMP_PREFIX + batchIdOf(name) + LOCK_SUFFIX))
                        : !committed.contains(name);
                if (orphan) Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot clean up unfinished shards in " + shards, e);
        }
    }

    /** The batch id in a temporary shard name {@code .tmp-<id>-<n>.hsp}. */
    private static String batchIdOf(String tempShardName) {
        int start = TEMP_PREFIX.length();
        return tempShardName.substring(start, tempShardName.indexOf('-', start));
    }

    private static boolean ownerIsGone(Path lockFile) throws IOException {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            return lock != null;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    /** A slide name as part of a file name: safe characters only, never hidden. */
    private static String fileSafe(String slideName) {
        String safe = slideName.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.length() > 80) safe = safe.substring(0, 80);
        return safe.startsWith(".") ? "_" + safe : safe;
    }
}
