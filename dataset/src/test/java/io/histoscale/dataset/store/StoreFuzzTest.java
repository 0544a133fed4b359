package io.histoscale.dataset.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.Zstd;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.core.fuzz.Fuzz;
import io.histoscale.core.fuzz.Mutations;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static io.histoscale.dataset.store.ShardFormat.*;

/**
 * Hostile patch stores: a small real store (raw or zstd) whose manifest or one of whose shard files is damaged, as a
 * bad disk, a cut-off copy or a hostile author would. Opening it, reading every patch (pixels, label, provenance) and
 * verifying it each give a result or a UserException naming the store (manifest damage) or the shard (shard damage),
 * within the time and allocation limits; and whatever the reader refuses, verify reports too.
 */
@Tag("fuzz")
class StoreFuzzTest {
    /** Values of any JSON type, for any key. */
    private static final List<String> VALUES = List.of("null", "-1", "0", "1", "2", "3", "2147483647", "2147483648",
            "-2147483648", "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "1e309",
            "0.5", "-0.0", "\"\"", "\"x\"", "\"1\"", "true", "[]", "{}", "[1]", "[null]", "{\"a\": 1}", "\"ZSTD\"",
            "\"none\"", "\"gzip\"", "\"crc32\"", "\"00000000\"", "\"NaN\"", "\"\\u0000\"");
    /** Shard paths a hostile manifest might name: outside the store, special files, folders, odd names. */
    private static final List<String> SHARD_PATHS = List.of("../outside.hsp", "shards/../../outside.hsp",
            "shards/../manifest.json", "manifest.json", "/etc/passwd", "/dev/zero", "/proc/self/mem", "shards",
            "shards/", "shards/.", "", " ", "shards/\u0000.hsp", "shards/missing.hsp", "shards\\..\\..\\x.hsp",
            "shards//alpha-0.hsp", "./shards/alpha-0.hsp", "shards/./beta-0.hsp", "shards/" + "x".repeat(300) + ".hsp",
            "shards/.tmp-0123456789ab-0.hsp", "shards/alpha-0.hsp", "shards/beta-1.hsp", "manifest.lock");
    private static final List<String> JSON_SNIPPETS = List.of("[", "]", "{", "}", ",", ":", "null", "true", "\"\"",
            "{}", "[]", "-", "1e999999", "-1e309", "123456789012345678901234567890", "NaN", "\"\\uD800\"",
            "\"\\u0000\"", "\uFEFF", "\0", "\"shards/../../x\", ", "\"patches\": -5, ", "\"bytes\": 2147483648, ",
            "\"width\": 0, ", "[".repeat(1500), "{\"a\":".repeat(1200));
    private static final List<Long> LONGS = List.of(0L, -1L, 1L, 15L, 16L, 17L, 47L, 48L, (long) Integer.MAX_VALUE,
            1L << 31, 1L << 32, 1L << 40, Long.MAX_VALUE, Long.MAX_VALUE - 100, Long.MIN_VALUE, -16L);
    private static final List<Integer> INTS = List.of(0, -1, 1, 2, 3, 16, 48, 3071, 3072, 3073, 100_000,
            Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 10, -3072);
    private static final String[] SLIDES = {"alpha", "beta"};

    private static final Map<Compression, Path> PRISTINE = new EnumMap<>(Compression.class);
    private static Path root;

    /** One try: which pristine store to damage, and the seed of the damage done to it. */
    record Case(Compression compression, long seed) {
    }

    /**
     * What a try did to the store: the file whose name every refusal must carry, the kind of damage (counted in the
     * statistics) and its details, and whether verify must refuse the store (its checksums no longer agree).
     */
    record Damage(Path named, String kind, String what, boolean verifyMustRefuse) {
    }

    @FunctionalInterface
    interface Damager {
        Damage damage(Path store, Random random) throws IOException;
    }

    @BeforeContainer
    static void writePristineStores() throws IOException {
        root = Files.createTempDirectory("store-fuzz-pristine-");
        for (Compression compression : Compression.values()) {
            Path dir = root.resolve(compression.name().toLowerCase());
            try (PatchStoreWriter writer = PatchStore.create(dir, TestPatches.spec(compression))) {
                TestPatches.writeSlides(writer, 7, SLIDES[0]);
                TestPatches.writeSlides(writer, 5, SLIDES[1]);
                TestPatches.writeSlides(writer, 0, "gamma"); // a slide without tissue: no shards
            }
            nameShardsPlainly(dir);
            PRISTINE.put(compression, dir);
        }
    }

    @AfterContainer
    static void removePristineStores() {
        delete(root);
    }

    @Property(tries = 700, seed = "20261220", shrinking = ShrinkingMode.OFF)
    void aDamagedManifestGivesPatchesOrAUserErrorNamingTheStore(@ForAll("cases") Case input) {
        run(input, StoreFuzzTest::damageManifest);
    }

    @Property(tries = 700, seed = "20261221", shrinking = ShrinkingMode.OFF)
    void aDamagedShardGivesPixelsOrAUserErrorNamingTheShard(@ForAll("cases") Case input) {
        run(input, (store, random) -> damageShard(store, random, false));
    }

    /**
     * The same damage, with the manifest rewritten to match the damaged shard (its size, checksum and patch count), as
     * a careless repair or a hostile author would: the checks on size and checksum pass, the reader must still cope.
     */
    @Property(tries = 700, seed = "20261222", shrinking = ShrinkingMode.OFF)
    void aDamagedShardTheManifestAgreesWithGivesPixelsOrAUserErrorNamingTheShard(@ForAll("cases") Case input) {
        run(input, (store, random) -> damageShard(store, random, true));
    }

    @Provide
    Arbitrary<Case> cases() {
        return Arbitraries.randomValue(random -> new Case(random.nextBoolean() ? Compression.NONE : Compression.ZSTD,
                random.nextLong()));
    }

    /** Runs one try and counts its outcome; the property fails unless reading both accepted and refused stores. */
    private static void run(Case input, Damager damager) {
        Outcome outcome = attempt(input, damager);
        Statistics.label("damage").collect(outcome.damage());
        Statistics.label("read/verify").collect(outcome.read() + "/" + outcome.verify());
        Statistics.label("read").collect(outcome.read());
        Statistics.label("read").coverage(coverage -> {
            coverage.check(Fuzz.ACCEPTED).count(n -> n >= 30);
            coverage.check(Fuzz.REJECTED).count(n -> n >= 30);
        });
    }

    /** How a try ended: what was damaged, and whether reading and verifying accepted or refused the store. */
    record Outcome(String damage, String read, String verify) {
    }

    /**
     * Copies the pristine store, damages the copy, then holds reading and verifying it to the rule within the limits;
     * whatever reading refuses, verify must report. A failing store is saved under {@code target/fuzz-failures/}.
     */
    private static Outcome attempt(Case input, Damager damager) {
        Path dir = copy(PRISTINE.get(input.compression()));
        try {
            Damage damage = damager.damage(dir, new Random(input.seed()));
            try {
                String read = Fuzz.withinLimits(() -> Fuzz.userErrorOr(damage.named(), () -> readEveryPatch(dir)));
                String verify = Fuzz.withinLimits(() -> Fuzz.userErrorOr(damage.named(), () -> verify(dir)));
                if (read.equals(Fuzz.REJECTED) && verify.equals(Fuzz.ACCEPTED)) {
                    throw new AssertionError("reading refused the store but verify found nothing wrong");
                }
                if (damage.verifyMustRefuse() && verify.equals(Fuzz.ACCEPTED)) {
                    throw new AssertionError("verify found nothing wrong with a shard whose checksum changed");
                }
                return new Outcome(damage.kind(), read, verify);
            } catch (AssertionError e) {
                throw new AssertionError(input + ", " + damage.kind() + ": " + damage.what() + ": " + e.getMessage()
                        + "; " + save(dir, input), e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(dir);
        }
    }

    /**
     * Reads the store as training does: every patch's pixels, label and provenance; a label must be -1 or index the
     * store's class names, a slide index its slides.
     */
    private static long readEveryPatch(Path dir) {
        try (PatchStore store = PatchStore.open(dir)) {
            ByteBuffer pixels = ByteBuffer.allocate(store.patchBytes());
            for (long i = 0; i < store.size(); i++) {
                store.read(i, pixels.clear());
                int label = store.label(i);
                if (label < -1 || label >= store.labelNames().size() || store.info(i).label() != label) {
                    throw new AssertionError("patch " + i + " has label " + label + ", not -1 or an index into "
                            + store.labelNames());
                }
                store.slides().get(store.slideIndex(i));
            }
            return store.size();
        }
    }

    /**
     * Both verifications: the reader's, and {@code histoscale store verify}'s, which also checks the manifest's counts
     * and so may refuse more, never less.
     */
    private static Object verify(Path dir) {
        StoreVerifier.Result result = StoreVerifier.verify(dir);
        try (PatchStore store = PatchStore.open(dir)) {
            store.verify();
            return store.size();
        } catch (UserException e) {
            if (result.sound()) {
                throw new AssertionError("store verify calls the store sound, the reader's refuses it: " + e.getMessage());
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------------------------------------- the manifest

    /** The manifest's values made hostile (one or two edits), or its text damaged, or both; now and then nested. */
    private static Damage damageManifest(Path dir, Random random) throws IOException {
        Path file = dir.resolve(Manifest.FILE);
        byte[] bytes = Files.readAllBytes(file);
        StringBuilder what = new StringBuilder();
        String kind = Mutations.pick(List.of("values", "values", "text", "values+text"), random);
        if (kind.startsWith("values")) {
            ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(bytes);
            for (int edits = 1 + random.nextInt(2); edits > 0; edits--) {
                what.append(edit(manifest, dir, random)).append("; ");
            }
            bytes = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        }
        if (kind.endsWith("text")) {
            what.append("text damaged");
            bytes = Mutations.mutate(bytes, random, 4, JSON_SNIPPETS);
        }
        if (random.nextInt(15) == 0) {
            kind += "+nested";
            int depth = 1 + random.nextInt(5000);
            bytes = Mutations.splice(bytes, Math.min(1, bytes.length), 0,
                    ("\"deep\": " + "[".repeat(depth) + "]".repeat(depth) + ", ").getBytes(StandardCharsets.UTF_8));
        }
        Files.write(file, bytes);
        return new Damage(dir, "manifest " + kind, what.toString(), false);
    }

    /** One hostile change to the manifest's tree; returns what it did. */
    private static String edit(ObjectNode manifest, Path dir, Random random) {
        ArrayNode shards = entries(manifest, "shards");
        ArrayNode slides = entries(manifest, "slides");
        int kind = random.nextInt(9);
        if (shards == null || slides == null) kind = 0; // an earlier edit replaced a list
        switch (kind) {
            case 0: { // a top-level value of any type, or none
                String key = Mutations.pick(List.of("format", "version", "width", "height", "channels",
                        "compression", "zstdLevel", "maxShardBytes", "checksum", "labels", "slides", "shards"), random);
                return set(manifest, key, random);
            }
            case 1: { // patches claimed huge, in a format that is valid on its own
                int side = Mutations.pick(List.of(1024, 4096, 16384, 26754, 46340), random);
                int channels = side > 26754 ? 1 : Mutations.pick(List.of(1, 3), random);
                manifest.put("width", side).put("height", side).put("channels", channels)
                        .put("maxShardBytes", Integer.MAX_VALUE);
                return "patches of " + side + "x" + side + "x" + channels;
            }
            case 2: { // a shard named outside the store, a special file, a folder, another shard
                ObjectNode shard = entry(shards, random);
                if (shard == null) return "no shard to rename";
                String path = random.nextInt(5) == 0 ? dir.resolve("shards/beta-0.hsp").toAbsolutePath().toString()
                        : Mutations.pick(SHARD_PATHS, random);
                shard.put("file", path);
                return "shard file " + path;
            }
            case 3: case 4: { // a shard entry's value
                ObjectNode shard = entry(shards, random);
                if (shard == null) return "no shard entry";
                return "shard " + set(shard, Mutations.pick(List.of("file", "slide", "patches", "bytes", "crc32c"),
                        random), random);
            }
            case 5: { // a slide's value
                ObjectNode slide = entry(slides, random);
                if (slide == null) return "no slide entry";
                return "slide " + set(slide, Mutations.pick(List.of("name", "patient", "centre", "mpp", "patches"),
                        random), random);
            }
            case 6: { // entries dropped, repeated, replaced or reordered
                ArrayNode list = random.nextBoolean() ? shards : slides;
                if (list.isEmpty()) return "empty list";
                int i = random.nextInt(list.size());
                switch (random.nextInt(4)) {
                    case 0:
                        list.remove(i);
                        return "entry removed";
                    case 1:
                        list.add(list.get(i).deepCopy());
                        return "entry repeated";
                    case 2:
                        list.set(i, value(random));
                        return "entry replaced by " + list.get(i);
                    default:
                        JsonNode moved = list.remove(i);
                        list.insert(random.nextInt(list.size() + 1), moved);
                        return "entry moved";
                }
            }
            case 7: { // class names
                String labels = Mutations.pick(List.of("[]", "[\"normal\"]", "[null]", "[\"a\", \"a\"]", "[1, 2]",
                        "[\"normal\", \"tumour\", \"other\"]", "[[]]", "\"normal\""), random);
                manifest.set("labels", parse(labels));
                return "labels " + labels;
            }
            default: { // a shard moved to another slide, or a slide renamed
                ObjectNode shard = entry(shards, random);
                if (shard == null) return "no shard to move";
                String slide = Mutations.pick(List.of("alpha", "beta", "gamma", "delta", ""), random);
                shard.put("slide", slide);
                return "shard moved to slide " + slide;
            }
        }
    }

    /** The list under {@code key}, or null when an earlier edit made it something else. */
    private static ArrayNode entries(ObjectNode manifest, String key) {
        return manifest.get(key) instanceof ArrayNode list ? list : null;
    }

    /** A random entry of {@code list} that is an object, or null. */
    private static ObjectNode entry(ArrayNode list, Random random) {
        return !list.isEmpty() && list.get(random.nextInt(list.size())) instanceof ObjectNode entry ? entry : null;
    }

    /** {@code key} of {@code node} set to a value of any type, or removed. */
    private static String set(ObjectNode node, String key, Random random) {
        if (random.nextInt(6) == 0) {
            node.remove(key);
            return key + " removed";
        }
        JsonNode value = value(random);
        node.set(key, value);
        return key + " " + value;
    }

    private static JsonNode value(Random random) {
        if (random.nextInt(20) == 0) return Json.MAPPER.getNodeFactory().textNode(Mutations.nastyText(random, 12));
        return parse(Mutations.pick(VALUES, random));
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------ the shards

    /**
     * One shard file damaged: bytes flipped, cut or inserted, or a field of its header, index or trailer set to a
     * hostile value, or a payload replaced by another zstd frame; with {@code manifestAgrees}, the manifest is then
     * rewritten to give the damaged file's size, checksum and patch count.
     */
    private static Damage damageShard(Path dir, Random random, boolean manifestAgrees) throws IOException {
        ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(dir.resolve(Manifest.FILE).toFile());
        ArrayNode shards = (ArrayNode) manifest.get("shards");
        ObjectNode entry = (ObjectNode) shards.get(random.nextInt(shards.size()));
        Path file = dir.resolve(entry.get("file").asText());
        byte[] bytes = Files.readAllBytes(file);
        int patches = entry.get("patches").asInt();
        boolean zstd = manifest.get("compression").asText().equals("ZSTD");
        byte[] pristine = bytes.clone();
        String kind, what;
        ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int indexOffset = bytes.length - TRAILER_BYTES - patches * RECORD_BYTES;
        switch (random.nextInt(8)) {
            case 0: case 1: {
                kind = "bytes";
                what = "flipped, cut, repeated or inserted";
                bytes = Mutations.mutate(bytes, random, 3, List.of());
                break;
            }
            case 2: case 3: { // an index field
                int k = random.nextInt(patches);
                int at = indexOffset + k * RECORD_BYTES;
                int field = Mutations.pick(List.of(OFFSET, LENGTH, LABEL, X, Y, MPP, LEVEL, TUMOUR_FRACTION), random);
                kind = "index field";
                what = "index field " + field + " of patch " + k + " set to " + setField(data, at + field,
                        field == OFFSET || field == X || field == Y || field == MPP, random, bytes.length);
                break;
            }
            case 4: { // a header or trailer field: magic, version, record size, reserved; index offset, count, magic
                int at = Mutations.pick(List.of(0, 4, 8, 12, bytes.length - 16, bytes.length - 8, bytes.length - 4),
                        random);
                kind = "header or trailer field";
                what = "field at " + at + " set to " + setField(data, at, at == bytes.length - 16, random,
                        bytes.length);
                break;
            }
            case 5: { // a trailer that agrees with itself: the index offset follows from the count
                int count = Mutations.pick(List.of(0, 1, patches - 1, patches + 1, 2 * patches, bytes.length / 48,
                        bytes.length / 48 + 1, 100_000, Integer.MAX_VALUE), random);
                data.putLong(bytes.length - TRAILER_BYTES, bytes.length - TRAILER_BYTES - (long) count * RECORD_BYTES)
                        .putInt(bytes.length - TRAILER_BYTES + 8, count);
                kind = "trailer agreeing with itself";
                what = count + " patches";
                break;
            }
            case 6: { // a payload replaced
                int at = indexOffset + random.nextInt(patches) * RECORD_BYTES;
                kind = "payload";
                what = "replaced by " + replacePayload(data, at, zstd, random);
                break;
            }
            default: { // a record copied over another, or the file cut or extended
                if (random.nextBoolean()) {
                    int from = indexOffset + random.nextInt(patches) * RECORD_BYTES;
                    int to = indexOffset + random.nextInt(patches) * RECORD_BYTES;
                    System.arraycopy(bytes, from, bytes, to, RECORD_BYTES);
                    kind = "record copied";
                    what = "over another";
                } else if (random.nextBoolean()) {
                    bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
                    kind = "cut";
                    what = "to " + bytes.length + " bytes";
                } else {
                    bytes = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(4000));
                    kind = "extended";
                    what = "with zeros to " + bytes.length + " bytes";
                }
            }
        }
        Files.write(file, bytes);
        if (manifestAgrees) {
            CRC32C crc = new CRC32C();
            crc.update(bytes);
            entry.put("bytes", bytes.length).put("crc32c", Manifest.ShardEntry.hex((int) crc.getValue()));
            if (bytes.length >= TRAILER_BYTES) {
                entry.put("patches", ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(bytes.length - 8));
            }
            Files.write(dir.resolve(Manifest.FILE), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        }
        return new Damage(file, "shard " + kind, what + (manifestAgrees ? " (manifest agrees)" : ""),
                !manifestAgrees && !Arrays.equals(bytes, pristine));
    }

    /** Sets the int or long at {@code at} to a hostile value; returns it. */
    private static long setField(ByteBuffer data, int at, boolean isLong, Random random, int fileSize) {
        long value = random.nextInt(5) == 0 ? fileSize + random.nextInt(3) - 1 : isLong ? Mutations.pick(LONGS, random)
                : Mutations.pick(INTS, random);
        if (isLong) {
            data.putLong(at, value);
        } else {
            data.putInt(at, (int) value);
        }
        return value;
    }

    /**
     * Writes another payload where the record at {@code at} points, when it fits in the old one's place, and gives
     * the record its length: zstd frames of the wrong size, claiming 1 TB, skippable or cut; raw pixels that are too
     * short or too long.
     */
    private static String replacePayload(ByteBuffer data, int at, boolean zstd, Random random) {
        int offset = (int) data.getLong(at + OFFSET);
        int room = data.getInt(at + LENGTH);
        int patchBytes = TestPatches.SIZE * TestPatches.SIZE * 3;
        if (!zstd) {
            int length = Mutations.pick(List.of(0, patchBytes - 1, patchBytes + 1, patchBytes * 2), random);
            data.putInt(at + LENGTH, length);
            return "raw length " + length;
        }
        byte[] frame;
        String what;
        switch (random.nextInt(6)) {
            case 0 -> {
                int size = Mutations.pick(List.of(0, 1, patchBytes - 1, patchBytes + 1, patchBytes * 4), random);
                frame = Zstd.compress(new byte[size]);
                what = "a frame of " + size + " bytes";
            }
            case 1 -> { // magic, header: single segment, 8-byte content size 2^40; one last RLE block of 1 byte
                frame = ByteBuffer.allocate(4 + 1 + 8 + 4).order(ByteOrder.LITTLE_ENDIAN).putInt(0xFD2FB528)
                        .put((byte) 0xE0).putLong(1L << 40).put((byte) 0x0B).put((byte) 0).put((byte) 0).put((byte) 7)
                        .array();
                what = "a frame claiming 1 TB";
            }
            case 2 -> {
                frame = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(0x184D2A50).putInt(4).putInt(0)
                        .array();
                what = "a skippable frame";
            }
            case 3 -> {
                byte[] whole = Zstd.compress(TestPatches.pixels("other", 3));
                frame = Arrays.copyOf(whole, random.nextInt(whole.length));
                what = "a cut frame";
            }
            case 4 -> {
                frame = new byte[0];
                what = "nothing";
            }
            default -> {
                byte[] whole = Zstd.compress(new byte[patchBytes]);
                frame = whole; // the right size, another patch's pixels: reads, and only the checksum can tell
                what = "a frame of the right size";
            }
        }
        if (frame.length > room) return "nothing (no room)";
        data.put(offset, frame);
        data.putInt(at + LENGTH, frame.length);
        return what;
    }

    // ------------------------------------------------------------------------------------------------ plumbing

    /** Gives the shards of a fresh store fixed names (slide-n.hsp), so that a seed damages the same bytes each run. */
    private static void nameShardsPlainly(Path dir) throws IOException {
        Path manifestFile = dir.resolve(Manifest.FILE);
        ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(manifestFile.toFile());
        Map<String, Integer> perSlide = new HashMap<>();
        for (JsonNode node : manifest.get("shards")) {
            ObjectNode shard = (ObjectNode) node;
            String slide = shard.get("slide").asText();
            int n = perSlide.merge(slide, 1, Integer::sum) - 1;
            String name = PatchStoreWriter.SHARDS + "/" + slide + "-" + n + PatchStoreWriter.SHARD_SUFFIX;
            Files.move(dir.resolve(shard.get("file").asText()), dir.resolve(name));
            shard.put("file", name);
        }
        Files.write(manifestFile, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
    }

    private static Path copy(Path pristine) {
        try {
            Path dir = Files.createTempDirectory("fuzz-store-");
            try (Stream<Path> paths = Files.walk(pristine)) {
                for (Path from : paths.toList()) {
                    Path to = dir.resolve(pristine.relativize(from).toString());
                    if (Files.isDirectory(from)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(from, to);
                    }
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String save(Path dir, Case input) {
        Path target = Path.of("target", "fuzz-failures", "store-" + input.compression().name().toLowerCase() + "-"
                + Long.toHexString(input.seed()));
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path from : paths.toList()) {
                Path to = target.resolve(dir.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return "store saved as " + target.toAbsolutePath();
        } catch (IOException | RuntimeException e) {
            return "store not saved (" + e + ")";
        }
    }

    private static void delete(Path dir) {
        if (dir == null) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is not the reader's failure
        }
    }
}
