package io.histoscale.dataset.store;

import io.histoscale.core.UserException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static io.histoscale.dataset.store.ShardFormat.*;

/**
 * Checks a patch store against its manifest, reading every byte and then every patch: each shard is present, of the
 * recorded size, has the recorded CRC32C and an index of the recorded patch count, and every patch reads as training
 * would read it; each slide's patch count, and its count per class where recorded, agrees with its shards. A store can be verified while writers append to it (it checks the
 * manifest version it reads).
 *
 * <pre>{@code
 * StoreVerifier.Result r = StoreVerifier.verify(dir);
 * r.problems().forEach(System.err::println);
 * }</pre>
 */
public final class StoreVerifier {

    /**
     * What a verification found.
     *
     * @param store    the store's folder
     * @param sound    no problems
     * @param slides   slides in the manifest
     * @param shards   shard files in the manifest
     * @param patches  patches in the manifest
     * @param bytes    size of the shard files per the manifest
     * @param labels   patches per class name (and "unlabelled") in the shards that could be read
     * @param tiling   the options the patches are cut with; null when not recorded
     * @param problems one line each: what is wrong and where
     * @param notes    what is worth knowing but not wrong (e.g. counts an older store did not record)
     */
    public record Result(String store, boolean sound, int slides, int shards, long patches, long bytes,
                         Map<String, Long> labels, TilingOptions tiling, List<String> problems, List<String> notes) {
    }

    private static final int CHUNK = 1 << 20;

    private StoreVerifier() {
    }

    /**
     * Verifies the store in {@code dir}.
     *
     * @throws UserException when {@code dir} holds no patch store at all
     */
    public static Result verify(Path dir) {
        if (!Manifest.exists(dir)) {
            throw new UserException("No patch store in " + dir + " (" + Manifest.FILE + " is missing). Check the path.");
        }
        Manifest manifest;
        try {
            manifest = Manifest.read(dir);
        } catch (UserException e) {
            return new Result(dir.toString(), false, 0, 0, 0, 0, Map.of(), null, List.of(e.getMessage()), List.of());
        }
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Set<String> slideNames = new HashSet<>();
        for (Manifest.SlideRecord slide : manifest.slides()) {
            if (!slideNames.add(slide.name())) problems.add("slide " + slide.name() + ": listed twice in the manifest");
        }
        Map<String, Long> shardPatches = new HashMap<>();
        Map<String, Map<String, Long>> shardLabels = new HashMap<>();
        Set<String> unreadable = new HashSet<>();
        Map<String, Long> allLabels = new TreeMap<>();
        for (Manifest.ShardEntry entry : manifest.shards()) {
            shardPatches.merge(entry.slide(), entry.patches(), Long::sum);
            if (!slideNames.contains(entry.slide())) {
                problems.add("shard " + entry.file() + ": names slide " + entry.slide() + ", which the manifest does not list");
            }
            Map<String, Long> labels = new TreeMap<>();
            String problem = checkShard(dir, manifest, entry, labels);
            if (problem != null) {
                problems.add("shard " + entry.file() + " (slide " + entry.slide() + "): " + problem);
                unreadable.add(entry.slide());
            } else {
                labels.forEach((k, v) -> shardLabels.computeIfAbsent(entry.slide(), s -> new TreeMap<>()).merge(k, v, Long::sum));
                labels.forEach((k, v) -> allLabels.merge(k, v, Long::sum));
            }
        }
        int withoutLabels = 0;
        for (Manifest.SlideRecord slide : manifest.slides()) {
            long inShards = shardPatches.getOrDefault(slide.name(), 0L);
            if (inShards != slide.patches()) {
                problems.add("slide " + slide.name() + ": the manifest lists " + slide.patches() + " patches, its shards "
                        + "hold " + inShards);
            }
            if (slide.labels() == null) {
                withoutLabels++;
            } else if (!unreadable.contains(slide.name())) {
                Map<String, Long> recorded = nonZero(slide.labels());
                Map<String, Long> found = nonZero(shardLabels.getOrDefault(slide.name(), Map.of()));
                if (!recorded.equals(found)) {
                    problems.add("slide " + slide.name() + ": the manifest counts " + recorded + " patches per class, "
                            + "its shards hold " + found);
                }
            }
        }
        if (withoutLabels > 0) {
            notes.add(withoutLabels + " slide(s) have no patch counts per class in the manifest (written by an earlier "
                    + "HistoScale): only their totals are checked");
        }
        if (manifest.tiling() == null && !manifest.slides().isEmpty()) {
            notes.add("the manifest records no tiling options (a store written by an earlier HistoScale, or not by "
                    + "tiling): the next tile run records its own");
        }
        if (problems.isEmpty()) {
            // every file agrees with the manifest: now read every patch as training would (what reading refuses, this
            // reports, e.g. a payload that does not decompress in a shard whose checksum the manifest agrees with)
            try (PatchStore store = PatchStore.open(dir)) {
                store.verify();
            } catch (UserException e) {
                problems.add(e.getMessage());
            }
        }
        int unlisted = unlistedShards(dir, manifest);
        if (unlisted > 0) {
            notes.add(unlisted + " shard file(s) in " + dir.resolve(PatchStoreWriter.SHARDS) + " are not in the manifest "
                    + "(left by a writer that stopped while committing; the next writer removes them)");
        }
        long patches = manifest.shards().stream().mapToLong(Manifest.ShardEntry::patches).sum();
        long bytes = manifest.shards().stream().mapToLong(Manifest.ShardEntry::bytes).sum();
        return new Result(dir.toString(), problems.isEmpty(), manifest.slides().size(), manifest.shards().size(), patches,
                bytes, allLabels, manifest.tiling(), problems, notes);
    }

    /** A problem with one shard file, or null when sound; counts its patches per class into {@code labels}. */
    private static String checkShard(Path dir, Manifest manifest, Manifest.ShardEntry entry, Map<String, Long> labels) {
        Path relative = Path.of(entry.file()).normalize();
        if (relative.isAbsolute() || !relative.startsWith(PatchStoreWriter.SHARDS)) {
            return "the manifest points outside the store's " + PatchStoreWriter.SHARDS + " folder";
        }
        Path file = dir.resolve(relative);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size != entry.bytes()) {
                return size + " bytes on disk, the manifest says " + entry.bytes() + " ("
                        + (size < entry.bytes() ? "truncated" : "overwritten or grown") + ")";
            }
            CRC32C crc = new CRC32C();
            ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
            for (long at = 0; at < size; ) {
                int n = channel.read(buffer.clear(), at);
                if (n < 0) return "shorter than its size while read";
                at += n;
                crc.update(buffer.flip());
            }
            String actual = Manifest.ShardEntry.hex((int) crc.getValue());
            if (!actual.equals(entry.crc32c())) {
                return "CRC32C " + actual + ", written as " + entry.crc32c() + ": its bytes changed on disk";
            }
            return checkIndex(channel, size, manifest, entry, labels);
        } catch (NoSuchFileException e) {
            return "missing";
        } catch (IOException e) {
            return "cannot be read: " + e.getMessage();
        }
    }

    /** Header, trailer and index of a shard whose checksum matched; counts labels. */
    private static String checkIndex(FileChannel channel, long size, Manifest manifest, Manifest.ShardEntry entry,
                                     Map<String, Long> labels) throws IOException {
        if (size < HEADER_BYTES + TRAILER_BYTES) return "too short to be a shard";
        ByteBuffer header = read(channel, 0, HEADER_BYTES);
        ByteBuffer trailer = read(channel, size - TRAILER_BYTES, TRAILER_BYTES);
        if (header.getInt(0) != MAGIC || trailer.getInt(TRAILER_BYTES - 4) != END_MAGIC) {
            return "not a HistoScale shard (wrong header or trailer)";
        }
        long indexOffset = trailer.getLong(0);
        int count = trailer.getInt(8);
        if (count != entry.patches() || indexOffset < HEADER_BYTES
                || indexOffset != size - TRAILER_BYTES - (long) count * RECORD_BYTES) {
            return "its index holds " + count + " patches, the manifest says " + entry.patches();
        }
        ByteBuffer index = read(channel, indexOffset, count * RECORD_BYTES);
        List<String> names = manifest.labels();
        for (int k = 0; k < count; k++) {
            int label = index.getInt(k * RECORD_BYTES + LABEL);
            if (label < -1 || label >= names.size()) return "patch " + k + " has label " + label + ", not one of " + names;
            labels.merge(label < 0 ? Manifest.UNLABELLED : names.get(label), 1L, Long::sum);
        }
        return null;
    }

    private static ByteBuffer read(FileChannel channel, long at, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, at + buffer.position()) < 0) throw new IOException("unexpected end of file");
        }
        return buffer.flip();
    }

    private static Map<String, Long> nonZero(Map<String, Long> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> {
            if (v != null && v != 0) out.put(k, v);
        });
        return out;
    }

    /** Sealed shard files (not temporary ones) that the manifest does not list. */
    private static int unlistedShards(Path dir, Manifest manifest) {
        Set<Path> listed = new HashSet<>();
        manifest.shards().forEach(s -> listed.add(dir.resolve(s.file()).normalize()));
        try (Stream<Path> files = Files.list(dir.resolve(PatchStoreWriter.SHARDS))) {
            return (int) files.filter(f -> f.getFileName().toString().endsWith(PatchStoreWriter.SHARD_SUFFIX))
                    .filter(f -> !f.getFileName().toString().startsWith(PatchStoreWriter.TEMP_PREFIX))
                    .filter(f -> !listed.contains(f.normalize())).count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Patches per class as people read them: "normal 120, tumour 8". */
    public static String describe(Map<String, Long> labels) {
        return labels.isEmpty() ? "none" : String.join(", ", labels.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).toList());
    }
}
