package io.histoscale.dataset.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.histoscale.core.AtomicFiles;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.dataset.SlideEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code manifest.json}: the store's format, its slides and its shards, in commit order.
 *
 * <p>Only complete slides are ever listed, and entries are only ever appended, so whatever version of the manifest a
 * reader sees describes whole slides whose shard files are sealed. It is replaced by an atomic rename while holding
 * the {@link StoreLock}.
 *
 * <p>Fields added since version 1 was first written are optional, and absent (null) in older stores: {@code tiling}
 * (the {@link TilingOptions} of the patches), and per slide its {@code labels} (patch count per class name, and
 * {@value #UNLABELLED}), {@code source} and {@code fingerprint} (its {@link SlideOrigin}).
 */
record Manifest(String format, int version, int width, int height, int channels, Compression compression,
                int zstdLevel, long maxShardBytes, String checksum, List<String> labels, TilingOptions tiling,
                List<SlideRecord> slides, List<ShardEntry> shards) {

    static final String FILE = "manifest.json";
    static final String FORMAT = "histoscale-patch-store";
    static final int VERSION = 1;
    /** CRC32C: catches disk and copy corruption, runs at memory speed through a CPU instruction, needs no library. */
    static final String CHECKSUM = "crc32c";

    /** The key of unlabelled patches in a slide's label counts. */
    static final String UNLABELLED = "unlabelled";

    /**
     * A complete slide; {@code mpp} is null when unknown; {@code labels}, {@code source} and {@code fingerprint} are
     * null in stores written before they were recorded ({@code source} and {@code fingerprint} also for slides not
     * written from a file).
     */
    record SlideRecord(String name, String patient, String centre, Double mpp, long patches, Map<String, Long> labels,
                       String source, String fingerprint) {
        SlideEntry toEntry() {
            return new SlideEntry(name, patient, centre, mpp == null ? Double.NaN : mpp);
        }

        static SlideRecord of(SlideEntry slide, long patches, Map<String, Long> labels, SlideOrigin origin) {
            return new SlideRecord(slide.name(), slide.patient(), slide.centre(),
                    Double.isNaN(slide.mpp()) ? null : slide.mpp(), patches, labels,
                    origin == null ? null : origin.path(), origin == null ? null : origin.fingerprint());
        }
    }

    /** A sealed shard: its path relative to the store, its slide, patch count, size and CRC32C of the whole file. */
    record ShardEntry(String file, String slide, long patches, long bytes, String crc32c) {
        static String hex(int crc) {
            return String.format("%08x", crc);
        }
    }

    static Manifest empty(PatchStoreSpec spec) {
        return new Manifest(FORMAT, VERSION, spec.width(), spec.height(), spec.channels(), spec.compression(),
                spec.zstdLevel(), spec.maxShardBytes(), CHECKSUM, spec.labelNames(), spec.tiling(), List.of(), List.of());
    }

    PatchStoreSpec spec() {
        return new PatchStoreSpec(width, height, channels, labels, compression, zstdLevel, maxShardBytes, tiling);
    }

    boolean hasSlide(String name) {
        return slides.stream().anyMatch(s -> s.name().equals(name));
    }

    Manifest withSlide(SlideRecord slide, List<ShardEntry> newShards) {
        List<SlideRecord> allSlides = new ArrayList<>(slides);
        allSlides.add(slide);
        List<ShardEntry> allShards = new ArrayList<>(shards);
        allShards.addAll(newShards);
        return new Manifest(format, version, width, height, channels, compression, zstdLevel, maxShardBytes, checksum,
                labels, tiling, allSlides, allShards);
    }

    Manifest withTiling(TilingOptions options) {
        return new Manifest(format, version, width, height, channels, compression, zstdLevel, maxShardBytes, checksum,
                labels, options, slides, shards);
    }

    static boolean exists(Path dir) {
        return Files.exists(dir.resolve(FILE));
    }

    static Manifest read(Path dir) {
        Path file = dir.resolve(FILE);
        Manifest manifest;
        try {
            manifest = Json.MAPPER.readValue(Files.readAllBytes(file), Manifest.class);
        } catch (NoSuchFileException e) {
            throw new UserException("No patch store in " + dir + " (" + FILE + " is missing). Check the path, or create "
                    + "the store by tiling slides into it.");
        } catch (JsonProcessingException e) {
            throw damaged(file, e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        if (!FORMAT.equals(manifest.format) || manifest.slides == null || manifest.shards == null || manifest.labels == null) {
            throw new UserException(file + " is not a HistoScale patch store manifest.");
        }
        if (manifest.version != VERSION) {
            throw new UserException(file + " has store format version " + manifest.version + "; this HistoScale reads version "
                    + VERSION + ". Use a matching HistoScale release.");
        }
        if (!CHECKSUM.equals(manifest.checksum)) throw new UserException(file + " uses checksum " + manifest.checksum + ", not " + CHECKSUM + ".");
        manifest.check(file);
        return manifest;
    }

    /**
     * Checks what readers rely on: a valid format, whole slide entries, and shard entries of a listed slide, with
     * patches, in {@code shards/}, large enough for their patches; a UserException naming {@code file} otherwise.
     */
    private void check(Path file) {
        try {
            if (labels.contains(null)) throw new UserException("a class name is null");
            PatchStoreSpec spec = spec();
            Set<String> slideNames = new HashSet<>();
            for (SlideRecord slide : slides) {
                if (slide == null) throw new UserException("a slide entry is null");
                slideNames.add(slide.toEntry().name());
            }
            for (ShardEntry shard : shards) {
                if (shard == null || !slideNames.contains(shard.slide()) || shard.patches() <= 0
                        || !isShardPath(shard.file())) {
                    throw new UserException("shard entry " + (shard == null ? null : shard.file()));
                }
                if (!ShardFormat.canHold(shard.bytes(), shard.patches(), spec.patchBytes(), compression)) {
                    throw new UserException("shard " + shard.file() + " of " + shard.bytes() + " bytes cannot hold "
                            + shard.patches() + " patches of " + spec.describe());
                }
            }
        } catch (UserException e) {
            throw damaged(file, e.getMessage(), e);
        }
    }

    /** Whether {@code file} names a file directly in the store's {@code shards/} folder. */
    private static boolean isShardPath(String file) {
        if (file == null) return false;
        try {
            Path path = Path.of(file).normalize();
            return path.getNameCount() == 2 && path.startsWith(PatchStoreWriter.SHARDS);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static UserException damaged(Path file, String what, Exception cause) {
        return new UserException("The manifest " + file + " is damaged (" + what
                + "). Restore it from a backup; shard files alone cannot be read without it.", cause);
    }

    /**
     * Replaces the manifest atomically; the caller holds the store lock.
     *
     * @throws StoreWriteException when it cannot be written; the old manifest stays
     */
    void write(Path dir, String doing) {
        byte[] json;
        try {
            json = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the manifest of " + dir, e);
        }
        try {
            AtomicFiles.write(dir.resolve(FILE), json);
        } catch (UserException e) {
            throw StoreWriteException.of(dir, doing, e.getCause() != null ? e.getCause() : e);
        }
    }

    /** Makes renames and new files in {@code dir} durable (Linux needs the directory itself flushed). */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
