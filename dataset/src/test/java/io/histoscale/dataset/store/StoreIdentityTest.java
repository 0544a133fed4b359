package io.histoscale.dataset.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.dataset.SlideEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static io.histoscale.dataset.store.TestPatches.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A store knows its slides by the content of their files, records its tiling options, and can be verified whole. */
class StoreIdentityTest {
    @TempDir
    Path dir;

    private Path file(String relative, String content) throws IOException {
        Path f = dir.resolve(relative);
        Files.createDirectories(f.getParent());
        return Files.writeString(f, content);
    }

    private static SlideEntry commit(PatchStoreWriter writer, String name, SlideOrigin origin, int patches) {
        try (SlideBatch batch = writer.beginSlide(slide(name), origin)) {
            for (int k = 0; k < patches; k++) batch.add(pixels(name, k), meta(name, k));
            return batch.commit();
        }
    }

    @Test
    void fingerprintsFollowContentNotPath() throws IOException {
        SlideOrigin a = SlideOrigin.of(file("a/x.tif", "one slide"));
        SlideOrigin copy = SlideOrigin.of(file("b/x.tif", "one slide"));
        SlideOrigin other = SlideOrigin.of(file("c/x.tif", "another slide"));
        assertThat(a.fingerprint()).hasSize(64).isEqualTo(copy.fingerprint()).isNotEqualTo(other.fingerprint());
        assertThat(a.path()).isEqualTo(dir.resolve("a/x.tif").toAbsolutePath().toString());
        assertThat(SlideOrigin.of(dir.resolve("a/../a/x.tif")).path()).isEqualTo(a.path());
        // Only the first and last MiB are read: a change in the middle of a large file keeps the fingerprint ...
        byte[] big = new byte[3 << 20];
        Path large = Files.write(dir.resolve("large.tif"), big);
        String before = SlideOrigin.of(large).fingerprint();
        big[big.length / 2] = 1;
        Files.write(large, big);
        assertThat(SlideOrigin.of(large).fingerprint()).isEqualTo(before);
        // ... but one at either end, or another size, does not.
        big[big.length - 1] = 1;
        Files.write(large, big);
        assertThat(SlideOrigin.of(large).fingerprint()).isNotEqualTo(before);
        Files.write(large, new byte[(3 << 20) + 1]);
        assertThat(SlideOrigin.of(large).fingerprint()).isNotEqualTo(before);
        assertThatThrownBy(() -> SlideOrigin.of(dir.resolve("missing.tif"))).isInstanceOf(UserException.class)
                .hasMessageContaining("missing.tif");
    }

    @Test
    void twoFilesOfOneNameAreBothKeptAndAFileIsFoundByItsContent() throws IOException {
        SlideOrigin first = SlideOrigin.of(file("site1/x.tif", "first x"));
        SlideOrigin second = SlideOrigin.of(file("site2/x.tif", "second x"));
        try (PatchStoreWriter writer = PatchStore.create(dir.resolve("store"), spec(Compression.ZSTD))) {
            assertThat(writer.find(first, "x")).isEmpty();
            assertThat(commit(writer, "x", first, 5).name()).isEqualTo("x");
            assertThat(commit(writer, "x", second, 7).name()).isEqualTo("x~" + second.shortFingerprint(8));

            assertThat(writer.find(second, "x")).hasValueSatisfying(m -> {
                assertThat(m.kind()).isEqualTo(SlideMatch.Kind.SAME_CONTENT);
                assertThat(m.name()).isEqualTo("x~" + second.shortFingerprint(8));
            });
            SlideOrigin copy = SlideOrigin.of(Files.copy(dir.resolve("site1/x.tif"), dir.resolve("x-copy.tif")));
            assertThat(writer.find(copy, "x-copy")).hasValueSatisfying(m -> {
                assertThat(m.kind()).isEqualTo(SlideMatch.Kind.SAME_CONTENT);
                assertThat(m.source()).isEqualTo(first.path());
            });
            SlideOrigin changed = SlideOrigin.of(file("site1/x.tif", "x, scanned again"));
            assertThat(writer.find(changed, "x")).hasValueSatisfying(m -> {
                assertThat(m.kind()).isEqualTo(SlideMatch.Kind.CHANGED);
                assertThat(m.name()).isEqualTo("x");
            });
        }
        try (PatchStore store = PatchStore.open(dir.resolve("store"))) {
            assertThat(store.size()).isEqualTo(12);
            assertThat(store.slides()).extracting(SlideEntry::name).containsExactly("x", "x~" + second.shortFingerprint(8));
        }
        StoreVerifier.Result verified = StoreVerifier.verify(dir.resolve("store"));
        assertThat(verified.problems()).isEmpty();
        assertThat(verified.sound()).isTrue();
        assertThat(verified.labels().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(12);
    }

    @Test
    void aSlideFileIsClaimedByOneWriterAtATime() throws IOException {
        SlideOrigin x = SlideOrigin.of(file("x.tif", "x")), y = SlideOrigin.of(file("y.tif", "y"));
        Path store = dir.resolve("store");
        try (PatchStoreWriter one = PatchStore.create(store, spec(Compression.ZSTD));
             PatchStoreWriter two = PatchStore.append(store)) {
            Optional<SlideClaim> claim = one.tryClaim(x);
            assertThat(claim).isPresent();
            assertThat(two.tryClaim(x)).isEmpty();
            assertThat(one.tryClaim(x)).isEmpty();
            try (SlideClaim other = two.tryClaim(y).orElseThrow()) {
                assertThat(other).isNotNull();
            }
            claim.get().close();
            try (SlideClaim again = two.tryClaim(x).orElseThrow()) {
                assertThat(again).isNotNull();
            }
        }
    }

    @Test
    void aStoreRecordsItsTilingOptionsOnceAndRefusesOthers() {
        Path store = dir.resolve("store");
        TilingOptions options = new TilingOptions(0.5, SIZE, SIZE, 0.5, 0.5);
        try (PatchStoreWriter writer = PatchStore.create(store, spec(Compression.ZSTD))) {
            writeSlides(writer, 2, "earlier");
            assertThat(writer.requireTiling(options)).hasValueSatisfying(n -> assertThat(n).contains("mpp 0.5"));
            assertThat(writer.requireTiling(options)).isEmpty();
            assertThat(writer.spec().tiling()).isEqualTo(options);
            assertThatThrownBy(() -> writer.requireTiling(new TilingOptions(0.5, SIZE, SIZE / 2, 0.5, 0.5)))
                    .isInstanceOfSatisfying(UserException.class, e -> {
                        assertThat(e.key()).contains("stride");
                        assertThat(e.getMessage()).contains("stride " + SIZE).contains(store.toString());
                    });
            assertThatThrownBy(() -> writer.requireTiling(new TilingOptions(0.5, 64, 64, 0.5, 0.5)))
                    .isInstanceOfSatisfying(UserException.class, e -> assertThat(e.key()).contains("size"));
        }
        try (PatchStore reopened = PatchStore.open(store)) {
            assertThat(reopened.spec().tiling()).isEqualTo(options);
        }
        PatchStoreSpec other = spec(Compression.ZSTD).withTiling(new TilingOptions(1.0, SIZE, SIZE, 0.5, 0.5));
        assertThatThrownBy(() -> PatchStore.append(store, other)).isInstanceOfSatisfying(UserException.class,
                e -> assertThat(e.key()).contains("mpp"));
    }

    @Test
    void aStoreWrittenBeforeCountsAndFingerprintsWereRecordedStillReadsAndVerifies() throws IOException {
        Path store = dir.resolve("store");
        try (PatchStoreWriter writer = PatchStore.create(store, spec(Compression.ZSTD))) {
            writeSlides(writer, 20, "old");
        }
        // Remove what older HistoScale did not write.
        Path manifestFile = store.resolve("manifest.json");
        ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(manifestFile.toFile());
        manifest.remove("tiling");
        for (JsonNode slide : manifest.get("slides")) {
            ((ObjectNode) slide).remove("labels");
            ((ObjectNode) slide).remove("source");
            ((ObjectNode) slide).remove("fingerprint");
        }
        Files.write(manifestFile, Json.MAPPER.writeValueAsBytes(manifest));

        StoreVerifier.Result r = StoreVerifier.verify(store);
        assertThat(r.sound()).isTrue();
        assertThat(r.patches()).isEqualTo(20);
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("per class"));
        try (PatchStore s = PatchStore.open(store)) {
            assertThat(s.size()).isEqualTo(20);
        }
        // A slide of that name from a file is taken to be it: an earlier HistoScale knew slides by name only.
        try (PatchStoreWriter writer = PatchStore.append(store)) {
            assertThat(writer.find(SlideOrigin.of(file("old.tif", "old")), "old"))
                    .hasValueSatisfying(m -> assertThat(m.kind()).isEqualTo(SlideMatch.Kind.SAME_NAME_NO_FINGERPRINT));
        }
    }
}
