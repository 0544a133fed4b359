package io.histoscale.staging;

import io.histoscale.core.Csv;
import io.histoscale.core.fuzz.Fuzz;
import io.histoscale.core.fuzz.Mutations;
import io.histoscale.slide.camelyon.SlideLabel;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile stage tables (pN and slide-label truth, Camelyon17's stage_labels.csv): any file gives a table or a
 * UserException naming it, and any table written reads back the same.
 */
@Tag("fuzz")
class StageTableFuzzTest {
    private static final List<String> STAGES = List.of("pN0", "pN0(i+)", "pN1mi", "pN1", "pN2", "PN1", " pn2 ",
            "pN3", "", "negative", "macro", "micro", "itc", "ITC ", "positive", "pN1,macro");
    private static final List<String> SNIPPETS = List.of(",", "\"", "\n", "\r\n", "\uFEFF", "\0", "_node_",
            "_node_99999999999999999999", ".zip", "patient,stage\n", "\"a,b\"");

    @Property(tries = 1500, seed = "20261208", shrinking = ShrinkingMode.OFF)
    void anyFileGivesATableOrAUserErrorNamingIt(@ForAll("files") Fuzz.Bytes file) {
        Statistics.collect(Fuzz.parse("stage_labels.csv", file, path -> {
            StageTable table = StageTable.read(path);
            table.warnings();
            table.toCsv();
            return table.stages();
        }));
        Fuzz.coverBothOutcomes(50);
    }

    @Property(tries = 1000, seed = "20261209", shrinking = ShrinkingMode.OFF)
    void anyTableWrittenReadsBackTheSame(@ForAll("tables") Map<String, SlideLabel> labels) throws IOException {
        StageTable table = StageTable.ofSlides(labels);
        Path file = Files.createTempFile("written-", ".csv");
        try {
            table.write(file);
            StageTable read = StageTable.read(file);
            assertThat(read.slideLabels()).as(escaped(table.toCsv())).isEqualTo(table.slideLabels());
            assertThat(read.stages()).isEqualTo(table.stages());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Provide
    Arbitrary<Fuzz.Bytes> files() {
        return Fuzz.bytes(StageTableFuzzTest::file);
    }

    @Provide
    Arbitrary<Map<String, SlideLabel>> tables() {
        return Arbitraries.randomValue(StageTableFuzzTest::labels);
    }

    /** Slide labels of up to 4 patients with awkward names (commas, quotes, spaces inside), up to 6 nodes each. */
    static Map<String, SlideLabel> labels(Random random) {
        Map<String, SlideLabel> labels = new LinkedHashMap<>();
        int patients = 1 + random.nextInt(4);
        for (int p = 0; p < patients; p++) {
            String name = Mutations.nastyText(random, 6).replaceAll("[\\s\\u00A0\\u2028\\u3000\\uFEFF]", "x");
            // a file name is text: a lone surrogate cannot be written as UTF-8
            String patient = "p" + p + new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            int nodes = 1 + random.nextInt(6);
            for (int n = 0; n < nodes; n++) {
                labels.put(patient + "_node_" + n + ".tif", Mutations.pick(List.of(SlideLabel.values()), random));
            }
        }
        return labels;
    }

    /** A table of patient and slide rows, some wrong, now and then damaged; or random bytes. */
    static byte[] file(Random random) {
        if (random.nextInt(10) == 0) {
            byte[] noise = new byte[random.nextInt(300)];
            random.nextBytes(noise);
            return noise;
        }
        List<String> lines = new ArrayList<>();
        if (random.nextBoolean()) lines.add(StageTable.HEADER);
        int rows = random.nextInt(12);
        for (int i = 0; i < rows; i++) {
            String patient = "patient_" + String.format("%03d", random.nextInt(4));
            String name = switch (random.nextInt(6)) {
                case 0 -> patient + ".zip";
                case 1 -> random.nextInt(4) == 0 ? Mutations.nastyText(random, 10) : patient + ".zip";
                default -> patient + "_node_" + random.nextInt(7) + Mutations.pick(List.of(".tif", ".svs", ""), random);
            };
            boolean zip = name.endsWith(".zip");
            String stage = random.nextInt(20) == 0 ? Mutations.nastyText(random, 6)
                    : random.nextInt(20) == 0 ? Mutations.pick(STAGES, random)
                    : zip ? Mutations.pick(List.of("pN0", "pN0(i+)", "pN1mi", "pN1", "pN2", " PN1 "), random)
                    : Mutations.pick(List.of("negative", "itc", "micro", "macro", "Macro "), random);
            lines.add(Csv.quote(name) + "," + Csv.quote(stage));
        }
        byte[] text = (String.join(random.nextBoolean() ? "\n" : "\r\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        return random.nextInt(4) == 0 ? Mutations.mutate(text, random, 3, SNIPPETS) : text;
    }

    /** Text with every character outside printable ASCII (but line feeds) as a Java escape, for messages. */
    static String escaped(String text) {
        StringBuilder s = new StringBuilder();
        text.chars().forEach(c -> s.append(c == '\n' || c >= 32 && c < 127 ? String.valueOf((char) c)
                : String.format("\\u%04x", c)));
        return s.toString();
    }
}
