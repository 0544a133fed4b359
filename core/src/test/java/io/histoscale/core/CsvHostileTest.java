package io.histoscale.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Tables {@link CsvFuzzTest} found not reading back as written, kept as examples. */
class CsvHostileTest {

    private static List<List<String>> roundTrip(List<List<String>> rows) {
        StringBuilder text = new StringBuilder();
        rows.forEach(row -> text.append(String.join(",", row.stream().map(Csv::quote).toList())).append("\r\n"));
        return Csv.parse(text.toString()).stream().map(Csv.Row::fields).toList();
    }

    @Test
    void aRecordOfOneBlankFieldIsNotReadAsABlankLine() {
        List<List<String>> rows = List.of(List.of("name"), List.of(""), List.of("  "), List.of("last"));
        assertThat(roundTrip(rows)).isEqualTo(rows);
    }

    @Test
    void aFirstFieldStartingWithAByteOrderMarkKeepsIt() {
        List<List<String>> rows = List.of(List.of("\uFEFFname", "x"));
        assertThat(roundTrip(rows)).isEqualTo(rows);
    }
}
