package io.histoscale.dataset.store;

import io.histoscale.core.UserException;
import io.histoscale.dataset.SlideEntry;

import java.io.IOException;
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
import java.util.Map;
import java.util.Optional;
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
 *
 * <p>Slides written from files ({@link #beginSlide(SlideEntry, SlideOrigin)}) are known by their content
 * {@link SlideOrigin#fingerprint() fingerprint}, not their name: {@link #find} tells whether the store holds a file
 * already, {@link #tryClaim} shares files out among writers, and two different files of one name are both kept: the
 * first committed keeps the name, a later one is recorded as {@code name~f1e2d3c4}, the name and the first 8 hex
 * digits of its fingerprint (more if even those collide). The name of a slide's file therefore stays readable in the
 * store, and patient ids read from a file name (Camelyon17's {@code patient_004_node_3}) are read before a suffix is
 * added.
 *
 * <p>When the store cannot be written (a full disk), a {@link StoreWriteException} says so and the store keeps what
 * it had committed: the slide being written is discarded whole.
 */
public final class PatchStoreWriter implements AutoCloseable {
    static final String SHARDS = "shards";
    static final String TEMP_PREFIX = ".tmp-";
    static final String SHARD_SUFFIX = ".hsp";
    static final String LOCK_SUFFIX = ".lock";
    /** Between a slide's name and its fingerprint's first digits, when another file already has the name. */
    public static final String NAME_SUFFIX = "~";

    /** Batches alive in this JVM: their lock files must not be probed, as closing a probe would release the lock. */
    static final Set<String> LIVE_BATCHES = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private volatile PatchStoreSpec spec;
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
                Manifest.empty(spec).write(dir, "creating it");
            } else if (mustBeNew) {
                throw new UserException("A patch store already exists in " + dir + ". Append to it, or create the new store "
                        + "in an empty directory.");
            } else {
                Manifest manifest = Manifest.read(dir);
                if (manifest.tiling() != null && spec.tiling() != null && !manifest.tiling().equals(spec.tiling())) {
                    throw manifest.tiling().refusal(dir, spec.tiling());
                }
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

    /**
     * Makes sure the store's patches are cut with {@code options}: records them when the store has none yet (an empty
     * store, or one written before HistoScale recorded them), refuses them when it holds others.
     *
     * @return what to tell the user when a store that already held slides took these options as its own
     * @throws UserException keyed by the first option that differs from the store's
     */
    public Optional<String> requireTiling(TilingOptions options) {
        try (StoreLock lock = StoreLock.acquire(dir)) {
            Manifest manifest = Manifest.read(dir);
            if (manifest.tiling() != null && !manifest.tiling().equals(options)) {
                throw manifest.tiling().refusal(dir, options);
            }
            if (manifest.width() != options.size() || manifest.height() != options.size()) {
                throw UserException.forKey("size", options.size() + ": the store " + dir + " holds " + manifest.width()
                        + "x" + manifest.height() + " patches, and one store never mixes patch sizes. Tile at the "
                        + "store's size, or into a new store (another output folder).");
            }
            Optional<String> notice = Optional.empty();
            if (manifest.tiling() == null) {
                manifest.withTiling(options).write(dir, "recording its tiling options");
                if (!manifest.slides().isEmpty()) {
                    notice = Optional.of("the store " + dir + " did not record the options its " + manifest.slides().size()
                            + " slide(s) were cut with (written by an earlier HistoScale); recorded this run's: "
                            + options.describe() + ". From now on it takes slides only at these options.");
                }
            }
            spec = spec.withTiling(options);
            return notice;
        }
    }

    /**
     * What the store holds of the slide file {@code origin}, which would be called {@code name}: the same content
     * (under any path or name); a slide of that name recorded without a fingerprint (by an earlier HistoScale, so it
     * may or may not be this file); or a slide from the same path whose content has changed since. Empty when the
     * store has none of these and the file is new to it.
     */
    public Optional<SlideMatch> find(SlideOrigin origin, String name) {
        List<Manifest.SlideRecord> slides = Manifest.read(dir).slides();
        for (Manifest.SlideRecord s : slides) {
            if (origin.fingerprint().equals(s.fingerprint())) {
                return Optional.of(new SlideMatch(SlideMatch.Kind.SAME_CONTENT, s.name(), s.source()));
            }
        }
        for (Manifest.SlideRecord s : slides) {
            if (s.fingerprint() == null && s.name().equals(name)) {
                return Optional.of(new SlideMatch(SlideMatch.Kind.SAME_NAME_NO_FINGERPRINT, s.name(), s.source()));
            }
        }
        for (int i = slides.size() - 1; i >= 0; i--) {
            Manifest.SlideRecord s = slides.get(i);
            if (origin.path().equals(s.source())) {
                return Optional.of(new SlideMatch(SlideMatch.Kind.CHANGED, s.name(), s.source()));
            }
        }
        return Optional.empty();
    }

    /**
     * Claims the slide file {@code origin} for this writer until the claim is closed, unless another writer (another
     * process, or another thread of this one) holds it; hold it from {@link #find} to the batch's commit so that one
     * file is tiled once however many writers are given it.
     */
    public Optional<SlideClaim> tryClaim(SlideOrigin origin) {
        if (closed) throw new IllegalStateException("The writer of " + dir + " is closed");
        return SlideClaim.tryClaim(dir, origin.fingerprint());
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

    /**
     * Starts writing the patches of one slide, known by its name; nothing is visible to readers until
     * {@link SlideBatch#commit()}.
     */
    public SlideBatch beginSlide(SlideEntry slide) {
        return beginSlide(slide, null);
    }

    /**
     * Starts writing the patches of the slide file {@code origin} (null: a slide known by its name only). The name
     * in {@code slide} is the one wanted; the batch's commit adds a suffix when another file has it already.
     */
    public SlideBatch beginSlide(SlideEntry slide, SlideOrigin origin) {
        if (closed) throw new IllegalStateException("The writer of " + dir + " is closed");
        SlideBatch batch;
        try (StoreLock lock = StoreLock.acquire(dir)) {
            if (origin == null) {
                if (Manifest.read(dir).hasSlide(slide.name())) {
                    throw new UserException("Slide " + slide.name() + " is already complete in patch store " + dir
                            + ". Skip it (isComplete), or write to a new store.");
                }
                if (openBatches.stream().anyMatch(b -> b.origin() == null && b.slide().name().equals(slide.name()))) {
                    throw new UserException("Slide " + slide.name() + " is already being written to " + dir + ".");
                }
            } else if (openBatches.stream().anyMatch(b -> b.origin() != null
                    && b.origin().fingerprint().equals(origin.fingerprint()))) {
                throw new UserException("Slide file " + origin.path() + " is already being written to " + dir + ".");
            }
            batch = new SlideBatch(this, slide, origin, spec);
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

    /**
     * Renames the sealed shards to their final names and lists the slide in the manifest, in one locked step; on
     * failure the store stays as it was. Returns the slide as committed (its name possibly suffixed).
     */
    SlideEntry commit(SlideBatch batch, List<ShardWriter.Sealed> sealed, Map<String, Long> labels) {
        SlideEntry slide = batch.slide();
        SlideOrigin origin = batch.origin();
        try (StoreLock lock = StoreLock.acquire(dir)) {
            Manifest manifest = Manifest.read(dir);
            if (origin == null) {
                if (manifest.hasSlide(slide.name())) {
                    throw new UserException("Slide " + slide.name() + " was committed to " + dir + " by another writer "
                            + "while this one wrote it; this copy is discarded. Give each slide to one writer.");
                }
            } else {
                for (Manifest.SlideRecord s : manifest.slides()) {
                    if (origin.fingerprint().equals(s.fingerprint())) {
                        throw new UserException("Slide file " + origin.path() + " was committed to " + dir + " as "
                                + s.name() + " by another writer while this one wrote it; this copy is discarded.");
                    }
                }
                slide = new SlideEntry(uniqueName(manifest, slide.name(), origin), slide.patient(), slide.centre(),
                        slide.mpp());
            }
            String doing = "committing slide " + slide.name();
            List<Path> moved = new ArrayList<>();
            try {
                List<Manifest.ShardEntry> entries = new ArrayList<>();
                long patches = 0;
                for (ShardWriter.Sealed shard : sealed) {
                    String file = SHARDS + "/" + fileSafe(slide.name()) + "-" + batch.id() + "-" + entries.size() + SHARD_SUFFIX;
                    Files.move(shard.file(), dir.resolve(file), StandardCopyOption.ATOMIC_MOVE);
                    moved.add(dir.resolve(file));
                    entries.add(new Manifest.ShardEntry(file, slide.name(), shard.patches(), shard.bytes(),
                            Manifest.ShardEntry.hex(shard.crc32c())));
                    patches += shard.patches();
                }
                if (!entries.isEmpty()) Manifest.syncDirectory(shardsDir());
                manifest.withSlide(Manifest.SlideRecord.of(slide, patches, labels, origin), entries).write(dir, doing);
            } catch (IOException | RuntimeException e) {
                removeUnlisted(moved, e);
                if (e instanceof IOException io) throw StoreWriteException.of(dir, doing, io);
                throw (RuntimeException) e;
            }
        }
        return slide;
    }

    /** {@code name}, or when another slide has it, {@code name~} and the first 8 (16, 64) digits of the fingerprint. */
    private static String uniqueName(Manifest manifest, String name, SlideOrigin origin) {
        if (!manifest.hasSlide(name)) return name;
        for (int digits : new int[]{8, 16, 64}) {
            String suffixed = name + NAME_SUFFIX + origin.shortFingerprint(digits);
            if (!manifest.hasSlide(suffixed)) return suffixed;
        }
        throw new IllegalStateException("no free name for slide " + name + " with fingerprint " + origin.fingerprint());
    }

    /**
     * After a failed commit: deletes the shards it had renamed, unless the manifest lists them after all (it was
     * written, and what failed came after). Problems doing so are added to {@code failure}.
     */
    private void removeUnlisted(List<Path> moved, Exception failure) {
        if (moved.isEmpty()) return;
        try {
            Set<Path> listed = Manifest.read(dir).shards().stream().map(s -> dir.resolve(s.file()))
                    .collect(Collectors.toSet());
            for (Path file : moved) {
                if (!listed.contains(file)) Files.deleteIfExists(file);
            }
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
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
            throw StoreWriteException.of(dir, "removing unfinished shards", e);
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
