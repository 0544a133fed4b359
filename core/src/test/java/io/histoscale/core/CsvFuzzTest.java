package io.histoscale.core;

import io.histoscale.core.fuzz.Fuzz;
import io.histoscale.core.fuzz.Mutations;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import net.jqwik.api.statistics.Statistics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Hostile CSV: any field written with {@link Csv#quote} reads back equal, and any file gives rows or a UserException. */
@Tag("fuzz")
class CsvFuzzTest {
    private static final List<String> SNIPPETS = List.of("\"", "\"\"", ",", "\r", "\n", "\r\n", "\uFEFF", "\0",
            " \"a\" ", "\"x\"y", "\"" + "a".repeat(1000), "\u2028", "\uD800");

    @Property(tries = 2000, seed = "20261205", shrinking = ShrinkingMode.OFF)
    void quotedFieldsReadBackEqual(@ForAll("tables") List<List<String>> rows) {
        String text = write(rows);
        List<List<String>> read = Fuzz.withinLimits(() -> Csv.parse(text).stream().map(Csv.Row::fields).toList());
        assertThat(escaped(read)).as("read back from " + escaped(List.of(List.of(text)))).isEqualTo(escaped(rows));
    }

    @Property(tries = 2000, seed = "20261206", shrinking = ShrinkingMode.OFF)
    void anyFileGivesRowsOrAUserErrorNamingIt(@ForAll("files") Fuzz.Bytes file) {
        Statistics.collect(Fuzz.parse("table.csv", file, path -> Csv.read(path, "test table")));
        Fuzz.coverBothOutcomes(100);
    }

    @Provide
    Arbitrary<List<List<String>>> tables() {
        return Arbitraries.randomValue(CsvFuzzTest::table);
    }

    @Provide
    Arbitrary<Fuzz.Bytes> files() {
        return Fuzz.bytes(CsvFuzzTest::file);
    }

    /** Up to 6 rows of up to 6 fields of any text. */
    static List<List<String>> table(Random random) {
        List<List<String>> rows = new ArrayList<>();
        int count = random.nextInt(7);
        for (int i = 0; i < count; i++) {
            List<String> row = new ArrayList<>();
            int fields = 1 + random.nextInt(6);
            for (int j = 0; j < fields; j++) {
                row.add(Mutations.nastyText(random, 12));
            }
            rows.add(row);
        }
        return rows;
    }

    /** Rows as a writer using {@link Csv#quote} writes them, each line ending LF or CRLF. */
    static String write(List<List<String>> rows) {
        StringBuilder text = new StringBuilder();
        for (List<String> row : rows) {
            text.append(String.join(",", row.stream().map(Csv::quote).toList())).append(text.length() % 2 == 0 ? "\n" : "\r\n");
        }
        return text.toString();
    }

    /** A table written well and then damaged, or random bytes (not always UTF-8). */
    static byte[] file(Random random) {
        if (random.nextInt(5) == 0) {
            byte[] noise = new byte[random.nextInt(200)];
            random.nextBytes(noise);
            return noise;
        }
        byte[] text = write(table(random)).getBytes(StandardCharsets.UTF_8);
        return random.nextBoolean() ? text : Mutations.mutate(text, random, 4, SNIPPETS);
    }

    /** Rows with every character outside printable ASCII as a Java escape, for messages. */
    static String escaped(List<List<String>> rows) {
        StringBuilder s = new StringBuilder();
        rows.forEach(row -> {
            s.append('[');
            row.forEach(field -> {
                s.append('<');
                field.chars().forEach(c -> s.append(c >= 32 && c < 127 ? String.valueOf((char) c)
                        : String.format("\\u%04x", c)));
                s.append('>');
            });
            s.append(']');
        });
        return s.toString();
    }
}
