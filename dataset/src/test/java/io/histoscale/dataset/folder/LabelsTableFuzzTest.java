package io.histoscale.dataset.folder;

import io.histoscale.core.Csv;
import io.histoscale.core.fuzz.Fuzz;
import io.histoscale.core.fuzz.Mutations;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import net.jqwik.api.statistics.Statistics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;


/** Hostile labels.csv beside an image folder: any file gives a table or a UserException naming it. */
@Tag("fuzz")
class LabelsTableFuzzTest {
    private static final List<String> COLUMNS = List.of("file", "source_slide", "source_image", "slide", "patient",
            "centre", "center", "x_level0", "y_level0", "label", "file", "");
    private static final List<String> SNIPPETS = List.of(",", "\"", "\n", "\r\n", "\uFEFF", "\0", "-1",
            "99999999999999999999", "1e3", "0x1F", "NaN", " 12 ");

    @Property(tries = 1500, seed = "20261207", shrinking = ShrinkingMode.OFF)
    void anyFileGivesATableOrAUserErrorNamingIt(@ForAll("files") Fuzz.Bytes file) {
        Statistics.collect(Fuzz.parse(LabelsTable.FILE, file,
                path -> LabelsTable.read(path.getParent()).row("tumor/a.png")));
        Fuzz.coverBothOutcomes(50);
    }

    @Provide
    Arbitrary<Fuzz.Bytes> files() {
        return Fuzz.bytes(LabelsTableFuzzTest::file);
    }

    /** A header of known and unknown columns and rows of fitting or awkward cells, now and then damaged. */
    static byte[] file(Random random) {
        if (random.nextInt(10) == 0) {
            byte[] noise = new byte[random.nextInt(300)];
            random.nextBytes(noise);
            return noise;
        }
        List<String> header = new ArrayList<>(COLUMNS.subList(0, 1 + random.nextInt(COLUMNS.size() - 1)));
        Collections.shuffle(header, random);
        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", header.stream().map(Csv::quote).toList()));
        int rows = random.nextInt(8);
        for (int i = 0; i < rows; i++) {
            List<String> cells = new ArrayList<>();
            for (String column : header) {
                cells.add(Csv.quote(cell(column, i, random)));
            }
            if (random.nextInt(15) == 0) cells.add("extra");
            lines.add(String.join(",", cells));
        }
        byte[] text = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        return random.nextInt(3) == 0 ? Mutations.mutate(text, random, 3, SNIPPETS) : text;
    }

    private static String cell(String column, int row, Random random) {
        if (random.nextInt(12) == 0) return Mutations.nastyText(random, 8);
        return switch (column) {
            case "file" -> "tumor/" + row + ".png";
            case "x_level0", "y_level0" -> random.nextInt(10) == 0 ? Mutations.pick(Mutations.EXTREME_NUMBERS, random)
                    : Integer.toString(random.nextInt(100_000));
            default -> "v" + random.nextInt(5);
        };
    }
}
