package io.histoscale.model;

import io.histoscale.core.UserException;
import io.histoscale.model.CnnArchitecture.BlockType;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Genomes: names and gene maps, both ways, and their errors. Builds no network. */
class CnnArchitectureTest {

    @Test
    void randomGenomesRoundTripThroughTheirNamesAndGenes() {
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            CnnArchitecture genome = random(random);
            String name = genome.cliName();
            assertThat(name).matches("[a-z0-9.\\-]+").doesNotContain("/", ":", " ");
            assertThat(Architecture.fromName(name)).isEqualTo(genome);
            assertThat(Architecture.fromName(name).cliName()).isEqualTo(name);
            assertThat(CnnArchitecture.fromGenes(genome.genes())).isEqualTo(genome);
            assertThat(genome.toString()).isEqualTo(name);
            assertThat(genome.minInputSize()).isEqualTo(1 << genome.stages());
        }
    }

    @Test
    void namesListTheGenesThatApplyInAFixedOrder() {
        assertThat(CnnArchitecture.DEFAULT.cliName()).isEqualTo("cnn-s4-b1-w1.00-k3-plain");
        assertThat(new CnnArchitecture(4, 2, 1.0, 3, BlockType.RESIDUAL, 6, true, 0.1).cliName())
                .isEqualTo("cnn-s4-b2-w1.00-k3-residual-se-d0.10");
        assertThat(new CnnArchitecture(2, 1, 0.5, 5, BlockType.INVERTED, 2, true, 0.1).cliName())
                .isEqualTo("cnn-s2-b1-w0.50-k5-inverted-e2-se-d0.10");
        // width and dropout kept to hundredths, so the name is the whole genome
        assertThat(new CnnArchitecture(3, 1, 0.7371, 3, BlockType.PLAIN, 4, false, 0.123).cliName())
                .isEqualTo("cnn-s3-b1-w0.74-k3-plain-d0.12");
    }

    @Test
    void namesMayLeaveGenesOutAndComeInAnyOrderAndCase() {
        assertThat(Architecture.fromName("cnn")).isEqualTo(CnnArchitecture.DEFAULT);
        assertThat(Architecture.fromName(" CNN-Residual-k5-S3 "))
                .isEqualTo(new CnnArchitecture(3, 1, 1.0, 5, BlockType.RESIDUAL, 4, false, 0));
        assertThat(Architecture.fromName("cnn-se-d0.2-inverted-e6-w2"))
                .isEqualTo(new CnnArchitecture(4, 1, 2.0, 3, BlockType.INVERTED, 6, true, 0.2));
        // the expansion of a block without one is ignored
        assertThat(Architecture.fromName("cnn-plain-e6")).isEqualTo(CnnArchitecture.DEFAULT);
    }

    @Test
    void namedNetworksAreFoundFirstAndKeepTheirConstants() {
        assertThat(Architecture.fromName("resnet18")).isSameAs(Architecture.RESNET18)
                .isSameAs(NamedArchitecture.RESNET18);
        assertThat(Architecture.fromName("SMALL")).isSameAs(Architecture.SMALL);
        assertThat(Architecture.SMALL.minInputSize()).isEqualTo(16);
        assertThat(Architecture.names()).startsWith("small, resnet18, resnet34, resnet50 or a CNN genome cnn-s<");
    }

    @Test
    void badNamesSayWhatIsWrongAndWhatToGive() {
        assertThatThrownBy(() -> Architecture.fromName("cnn-s9-b1"))
                .isInstanceOf(UserException.class)
                .hasMessageStartingWith("model 'cnn-s9-b1': stages 9: give 1 to 6; give cnn-s<stages 1-6>-")
                .satisfies(e -> assertThat(((UserException) e).key()).contains("model"));
        assertThatThrownBy(() -> Architecture.fromName("cnn-k4"))
                .hasMessageStartingWith("model 'cnn-k4': kernel 4: give 3 or 5;");
        assertThatThrownBy(() -> Architecture.fromName("cnn-w0.1"))
                .hasMessageStartingWith("model 'cnn-w0.1': width 0.1: give 0.25 to 4;");
        assertThatThrownBy(() -> Architecture.fromName("cnn-d0.6"))
                .hasMessageStartingWith("model 'cnn-d0.6': dropout 0.6: give 0 to 0.5;");
        assertThatThrownBy(() -> Architecture.fromName("cnn-inverted-e7"))
                .hasMessageStartingWith("model 'cnn-inverted-e7': expansion 7: give 2 to 6;");
        assertThatThrownBy(() -> Architecture.fromName("cnn-s4-s5"))
                .hasMessageStartingWith("model 'cnn-s4-s5': 's5' gives a gene twice;");
        assertThatThrownBy(() -> Architecture.fromName("cnn-x3"))
                .hasMessageStartingWith("model 'cnn-x3': unknown part 'x3';");
        assertThatThrownBy(() -> Architecture.fromName("cnn-sfour"))
                .hasMessageStartingWith("model 'cnn-sfour': 'sfour' needs an integer after 's';");
        assertThatThrownBy(() -> Architecture.fromName("cnn-w-1"))
                .hasMessageStartingWith("model 'cnn-w-1': 'w' needs a number after 'w';");
        assertThatThrownBy(() -> Architecture.fromName("cnn--plain"))
                .hasMessageStartingWith("model 'cnn--plain': empty part (two dashes together, or one at the end);");
        assertThatThrownBy(() -> Architecture.fromName("cnnx"))
                .hasMessageStartingWith("model 'cnnx': expected one of small, resnet18, resnet34, resnet50 or a CNN");
    }

    @Test
    void genesTakeDefaultsAndTheValuesYamlAndJsonGive() {
        assertThat(CnnArchitecture.fromGenes(Map.of())).isEqualTo(CnnArchitecture.DEFAULT);
        Map<String, Object> genes = new HashMap<>();
        genes.put("stages", 3.0);
        genes.put("blocks", 2L);
        genes.put("width", 0.5f);
        genes.put("kernel", "5");
        genes.put("block", "Inverted");
        genes.put("expansion", 6);
        genes.put("se", "true");
        genes.put("dropout", 0.25);
        CnnArchitecture genome = CnnArchitecture.fromGenes(genes);
        assertThat(genome).isEqualTo(new CnnArchitecture(3, 2, 0.5, 5, BlockType.INVERTED, 6, true, 0.25));
        assertThat(genome.cliName()).isEqualTo("cnn-s3-b2-w0.50-k5-inverted-e6-se-d0.25");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("stages", 3);
        expected.put("blocks", 2);
        expected.put("width", 0.5);
        expected.put("kernel", 5);
        expected.put("block", "inverted");
        expected.put("expansion", 6);
        expected.put("se", true);
        expected.put("dropout", 0.25);
        assertThat(genome.genes()).containsExactlyEntriesOf(expected);
        assertThat(CnnArchitecture.fromGenes(Map.of("block", "plain", "expansion", 6)).genes())
                .doesNotContainKey("expansion");
    }

    @Test
    void badGenesAreKeyedByTheirGene() {
        assertGeneError(Map.of("depth", 3), "arch.depth", "arch.depth is not a gene of the cnn family: give stages");
        assertGeneError(Map.of("stages", 7), "arch.stages", "arch.stages 7: give 1 to 6");
        assertGeneError(Map.of("stages", 2.5), "arch.stages", "arch.stages 2.5: give an integer");
        assertGeneError(Map.of("blocks", "many"), "arch.blocks", "arch.blocks 'many': give an integer");
        assertGeneError(Map.of("width", 8), "arch.width", "arch.width 8: give 0.25 to 4");
        assertGeneError(Map.of("kernel", 7), "arch.kernel", "arch.kernel 7: give 3 or 5");
        assertGeneError(Map.of("block", "dense"), "arch.block", "arch.block 'dense': give plain, residual or inverted");
        assertGeneError(Map.of("se", "maybe"), "arch.se", "arch.se 'maybe': give true or false");
        assertGeneError(Map.of("dropout", Double.NaN), "arch.dropout", "arch.dropout NaN: give 0 to 0.5");
    }

    @Test
    void stageChannelsDoubleFromSixteenTimesTheWidthRoundedToEights() {
        CnnArchitecture wide = new CnnArchitecture(6, 1, 1.0, 3, BlockType.PLAIN, 4, false, 0);
        assertThat(java.util.stream.IntStream.range(0, 6).map(wide::channels))
                .containsExactly(16, 32, 64, 128, 256, 512);
        CnnArchitecture narrow = new CnnArchitecture(3, 1, 0.3, 3, BlockType.PLAIN, 4, false, 0);
        // 4.8 -> 8 (at least 8), 9.6 -> 8, 19.2 -> 16
        assertThat(java.util.stream.IntStream.range(0, 3).map(narrow::channels)).containsExactly(8, 8, 16);
        CnnArchitecture odd = new CnnArchitecture(2, 1, 0.75, 3, BlockType.PLAIN, 4, false, 0);
        // 12 -> 16 (halves up), 24 -> 24
        assertThat(java.util.stream.IntStream.range(0, 2).map(odd::channels)).containsExactly(16, 24);
    }

    private static void assertGeneError(Map<String, ?> genes, String key, String message) {
        assertThatThrownBy(() -> CnnArchitecture.fromGenes(genes)).isInstanceOf(UserException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(((UserException) e).key()).contains(key));
    }

    /** A genome with every gene drawn from its range (width and dropout on any double). */
    static CnnArchitecture random(Random random) {
        BlockType[] types = BlockType.values();
        return new CnnArchitecture(1 + random.nextInt(6), 1 + random.nextInt(4), 0.25 + random.nextDouble() * 3.75,
                random.nextBoolean() ? 3 : 5, types[random.nextInt(types.length)], 2 + random.nextInt(5),
                random.nextBoolean(), random.nextBoolean() ? 0 : random.nextDouble() * 0.5);
    }
}
