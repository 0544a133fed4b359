package io.histoscale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.histoscale.core.Json;
import io.histoscale.synth.SyntheticSlide;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code histoscale store verify}: a sound store says so; damage is named, one line per problem. */
class StoreCommandTest {
    @TempDir
    Path dir;
    Path store;

    @BeforeEach
    void tileThreeSlides() throws IOException {
        List<String> args = new ArrayList<>(List.of("tile"));
        for (String name : List.of("a", "b", "c")) {
            Path file = dir.resolve("slides/" + name + ".tif");
            Files.createDirectories(file.getParent());
            SyntheticSlide.builder().optSizeMm(2.5, 2.5).optMpp(1.0).optSeed(name.hashCode()).build().writeTiff(file);
            args.add(file.toString());
        }
        store = dir.resolve("store");
        args.addAll(List.of("--mpp", "4", "--size", "32", "--threads", "2", "--no-thumbnails", "--out", store.toString(),
                "--store", dir.resolve("runs.db").toString()));
        CliTest.Run tile = CliTest.run(args.toArray(String[]::new));
        assertThat(tile.status()).as(tile.err()).isZero();
    }

    @Test
    void aSoundStoreIsSaidToBeSound() throws IOException {
        CliTest.Run verify = CliTest.run("store", "verify", store.toString());
        assertThat(verify.status()).as(verify.err()).isZero();
        assertThat(verify.out()).contains(store.toString()).contains("sound").contains("3 slides");

        CliTest.Run json = CliTest.run("store", "verify", store.toString(), "--json");
        assertThat(json.status()).isZero();
        JsonNode report = Json.MAPPER.readTree(json.out());
        assertThat(report.get("sound").asBoolean()).isTrue();
        assertThat(report.get("slides").asInt()).isEqualTo(3);
        assertThat(report.get("problems")).isEmpty();
        assertThat(report.get("patches").asLong()).isPositive();
    }

    @Test
    void truncatedAndMissingShardsAndCountsThatDisagreeAreEachNamed() throws IOException {
        Path manifestFile = store.resolve("manifest.json");
        ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(manifestFile.toFile());
        String shardA = shardOf(manifest, "a"), shardB = shardOf(manifest, "b");
        try (RandomAccessFile file = new RandomAccessFile(store.resolve(shardA).toFile(), "rw")) {
            file.setLength(file.length() - 100);
        }
        Files.delete(store.resolve(shardB));
        for (JsonNode slide : manifest.get("slides")) {
            if (slide.get("name").asText().equals("c")) {
                ((ObjectNode) slide).put("patches", slide.get("patches").asLong() + 1);
            }
        }
        Files.write(manifestFile, Json.MAPPER.writeValueAsBytes(manifest));

        CliTest.Run verify = CliTest.run("store", "verify", store.toString());
        assertThat(verify.status()).isEqualTo(1);
        List<String> problems = verify.err().strip().lines().toList();
        assertThat(problems).hasSize(3);
        assertThat(problems).anySatisfy(p -> assertThat(p).contains(shardA).contains("truncated"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains(shardB).contains("missing"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("slide c").contains("patches"));

        CliTest.Run json = CliTest.run("store", "verify", store.toString(), "--json");
        assertThat(json.status()).isEqualTo(1);
        JsonNode report = Json.MAPPER.readTree(json.out());
        assertThat(report.get("sound").asBoolean()).isFalse();
        assertThat(report.get("problems")).hasSize(3);
    }

    @Test
    void labelCountsThatDisagreeWithTheShardsAreNamed() throws IOException {
        Path manifestFile = store.resolve("manifest.json");
        ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(manifestFile.toFile());
        ObjectNode b = null;
        for (JsonNode slide : manifest.get("slides")) {
            if (slide.get("name").asText().equals("b")) b = (ObjectNode) slide;
        }
        assertThat(b).isNotNull();
        assertThat(b.get("labels")).as("per-label counts are recorded").isNotNull();
        ((ObjectNode) b.get("labels")).put("unlabelled", b.get("labels").get("unlabelled").asLong() - 1);
        Files.write(manifestFile, Json.MAPPER.writeValueAsBytes(manifest));

        CliTest.Run verify = CliTest.run("store", "verify", store.toString());
        assertThat(verify.status()).isEqualTo(1);
        assertThat(verify.err().strip().lines()).singleElement()
                .satisfies(p -> assertThat(p).contains("slide b").contains("unlabelled"));
    }

    @Test
    void aFolderWithoutAStoreIsAUserError() {
        CliTest.Run verify = CliTest.run("store", "verify", dir.resolve("slides").toString());
        assertThat(verify.status()).isEqualTo(2);
        assertThat(verify.err()).contains("No patch store");
    }

    private static String shardOf(JsonNode manifest, String slide) {
        for (JsonNode shard : manifest.get("shards")) {
            if (shard.get("slide").asText().equals(slide)) return shard.get("file").asText();
        }
        throw new AssertionError("no shard of slide " + slide);
    }
}
