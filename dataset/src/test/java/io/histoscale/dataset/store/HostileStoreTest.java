package io.histoscale.dataset.store;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.histoscale.dataset.store.TestPatches.*;
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

    private static ObjectNode shard(ObjectNode manifest) {
        return (ObjectNode) manifest.get("shards").get(0);
    }

    private static Arguments edit(String what, Consumer<ObjectNode> edit) {
        return Arguments.of(what, edit);
    }
}
