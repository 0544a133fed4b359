package io.histoscale.dataset.store;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static io.histoscale.dataset.store.TestPatches.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Damaged and hostile stores, one defect each, as {@link StoreFuzzTest} found them: each is refused with a
 * UserException naming the file to restore, never a crash.
 */
class HostileStoreTest {
    @TempDir
    Path dir;

    static Stream<Arguments> hostileManifests() {
        return Stream.of(
                edit("a shard named with a NUL character", m -> shard(m).put("file", "shards/\u0000.hsp")),
                edit("a shard entry without a file", m -> shard(m).remove("file")),
                edit("a null shard entry", m -> ((ArrayNode) m.get("shards")).addNull()),
                edit("a null slide entry", m -> ((ArrayNode) m.get("slides")).addNull()),
                edit("a slide without a name", m -> ((ObjectNode) m.get("slides").get(0)).remove("name")),
                edit("a slide of negative mpp", m -> ((ObjectNode) m.get("slides").get(0)).put("mpp", -1)),
                edit("a null class name", m -> m.putArray("labels").addNull()),
                edit("class names twice", m -> m.putArray("labels").add("a").add("a")),
                edit("no patch width", m -> m.remove("width")),
                edit("no compression", m -> m.remove("compression")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileManifests")
    void aHostileManifestIsRefusedNamingIt(String what, Consumer<ObjectNode> edit) throws IOException {
        writeStore(Compression.ZSTD);
        editManifest(edit);
        assertThatThrownBy(() -> PatchStore.open(dir)).isInstanceOf(UserException.class)
                .hasMessageContaining(dir.resolve(Manifest.FILE).toString());
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void aLabelOutsideTheClassesIsRefusedNamingTheShard(Compression compression) throws IOException {
        writeStore(compression);
        Path shard = firstShard();
        record(shard, 0).putInt(ShardFormat.LABEL, 7);
        try (PatchStore store = PatchStore.open(dir)) {
            assertThatThrownBy(() -> store.label(0)).isInstanceOf(UserException.class)
                    .hasMessageContaining(shard.toString()).hasMessageContaining("label 7");
            assertThatThrownBy(() -> store.info(0)).isInstanceOf(UserException.class)
                    .hasMessageContaining(shard.toString());
        }
    }

    @Test
    void aManifestWithFewerClassesThanThePatchesUseIsRefused() throws IOException {
        writeStore(Compression.ZSTD);
        editManifest(m -> m.putArray("labels").add("normal"));
        try (PatchStore store = PatchStore.open(dir)) {
            long tumour = LongStream.range(0, store.size())
                    .filter(i -> meta(i < 4 ? "alpha" : "beta", (int) (i % 4)).label() == 1).findFirst().orElseThrow();
            assertThatThrownBy(() -> store.label(tumour)).isInstanceOf(UserException.class)
                    .hasMessageContaining(dir.toString()).hasMessageContaining("label 1");
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void aPayloadOffsetNearTheLargestLongIsRefusedNamingTheShard(Compression compression) throws IOException {
        writeStore(compression);
        Path shard = firstShard();
        record(shard, 0).putLong(ShardFormat.OFFSET, Long.MAX_VALUE - 100); // offset + length overflows
        try (PatchStore store = PatchStore.open(dir)) {
            assertThatThrownBy(() -> store.read(0)).isInstanceOf(UserException.class)
                    .hasMessageContaining(shard.toString()).hasMessageContaining("outside the file");
        }
    }

    @Test
    void aTrailerClaimingMorePatchesThanTheFileHoldsIsRefusedNamingTheShard() throws IOException {
        writeStore(Compression.NONE);
        Path file = firstShard();
        long size = Files.size(file);
        int count = Integer.MAX_VALUE; // the index offset that follows from it lies far before the file's start
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(size - ShardFormat.TRAILER_BYTES - (long) count * ShardFormat.RECORD_BYTES).putInt(count)
                    .flip(), size - ShardFormat.TRAILER_BYTES);
        }
        Shard shard = new Shard(dir, new Manifest.ShardEntry(dir.relativize(file).toString(), "alpha", count, size, "0"));
        assertThatThrownBy(shard::data).isInstanceOf(UserException.class).hasMessageContaining(file.toString());
    }

    /**
     * A manifest claiming patches its shard files cannot hold: whoever reads the store would allocate a buffer of the
     * claimed size per patch (here 256 MiB or 48 MiB) before any shard said otherwise.
     */
    @ParameterizedTest
    @CsvSource({"ZSTD, 16384, 1", "NONE, 4096, 3"})
    void aManifestClaimingPatchesItsShardsCannotHoldIsRefusedNamingIt(Compression compression, int side, int channels)
            throws IOException {
        writeStore(compression);
        editManifest(m -> m.put("width", side).put("height", side).put("channels", channels)
                .put("maxShardBytes", Integer.MAX_VALUE));
        assertThatThrownBy(() -> PatchStore.open(dir)).isInstanceOf(UserException.class)
                .hasMessageContaining(dir.resolve(Manifest.FILE).toString());
    }

    /**
     * A payload that does not decompress, in a shard whose checksum the manifest agrees with (a writer's bug, or a
     * hand-edited manifest): reading the patch fails, so verify must say so too.
     */
    @Test
    void verifyReportsAPatchThatDoesNotReadEvenWhenTheChecksumAgrees() throws IOException {
        Path shard = undecodablePatchZeroWithAgreeingChecksum();
        try (PatchStore store = PatchStore.open(dir)) {
            assertThatThrownBy(() -> store.read(0)).isInstanceOf(UserException.class);
            assertThatThrownBy(store::verify).isInstanceOf(UserException.class).hasMessageContaining("1 of ")
                    .hasMessageContaining(shard.getFileName().toString()).hasMessageContaining("patch 0");
        }
    }

    @Test
    void storeVerifyReportsAPatchThatDoesNotReadEvenWhenTheChecksumAgrees() throws IOException {
        Path shard = undecodablePatchZeroWithAgreeingChecksum();
        // what `histoscale store verify` runs: it must find what reading finds
        StoreVerifier.Result result = StoreVerifier.verify(dir);
        assertThat(result.sound()).isFalse();
        assertThat(String.join("\n", result.problems())).contains(shard.getFileName().toString()).contains("patch 0");
    }

    /** A zstd store whose first shard's patch 0 has no zstd magic, the manifest's CRC32C updated to agree; its shard. */
    private Path undecodablePatchZeroWithAgreeingChecksum() throws IOException {
        writeStore(Compression.ZSTD);
        Path shard = firstShard();
        ByteBuffer record = record(shard, 0);
        try (FileChannel channel = FileChannel.open(shard, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4), record.getLong(ShardFormat.OFFSET)); // no zstd magic
        }
        CRC32C crc = new CRC32C();
        crc.update(Files.readAllBytes(shard));
        editManifest(m -> shard(m).put("crc32c", Manifest.ShardEntry.hex((int) crc.getValue())));
        return shard;
    }

    private void writeStore(Compression compression) {
        try (PatchStoreWriter writer = PatchStore.create(dir, spec(compression))) {
            writeSlides(writer, 4, "alpha", "beta");
        }
    }

    private void editManifest(Consumer<ObjectNode> edit) throws IOException {
        Path file = dir.resolve(Manifest.FILE);
        ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(file.toFile());
        edit.accept(manifest);
        Files.write(file, Json.MAPPER.writeValueAsBytes(manifest));
    }

    /** The file of the store's first shard, which holds patch 0. */
    private Path firstShard() throws IOException {
        ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(dir.resolve(Manifest.FILE).toFile());
        return dir.resolve(shard(manifest).get("file").asText());
    }

    /** Index record {@code k} of {@code shard}, mapped for writing: what is put there goes to the file. */
    private static ByteBuffer record(Path shard, int k) throws IOException {
        try (FileChannel channel = FileChannel.open(shard, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer file = channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN);
            int count = file.getInt(file.capacity() - ShardFormat.TRAILER_BYTES + 8);
            int at = (int) file.getLong(file.capacity() - ShardFormat.TRAILER_BYTES) + k * ShardFormat.RECORD_BYTES;
            assertThat(k).isLessThan(count);
            return file.slice(at, ShardFormat.RECORD_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static ObjectNode shard(ObjectNode manifest) {
        return (ObjectNode) manifest.get("shards").get(0);
    }

    private static Arguments edit(String what, Consumer<ObjectNode> edit) {
        return Arguments.of(what, edit);
    }
}
