package io.histoscale.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvTest {
    @TempDir
    Path dir;

    private static List<List<String>> fields(String text) {
        return Csv.parse(text).stream().map(Csv.Row::fields).toList();
    }

    @Test
    void plainFieldsAndEveryLineEnd() {
        assertThat(fields("a,b\nc,d\r\ne,f\rg,h")).containsExactly(List.of("a", "b"), List.of("c", "d"),
                List.of("e", "f"), List.of("g", "h"));
        assertThat(fields("a,,c,\n")).containsExactly(List.of("a", "", "c", ""));
        assertThat(fields("")).isEmpty();
    }

    @Test
    void quotedFieldsHoldCommasQuotesAndLineBreaks() {
        assertThat(fields("\"a, b\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\nnext,row\r\n")).containsExactly(
                List.of("a, b", "say \"hi\"", "two\r\nlines"), List.of("next", "row"));
        assertThat(fields("\"\",x")).containsExactly(List.of("", "x"));
        assertThat(fields("\"\"")).containsExactly(List.of(""));
    }

    @Test
    void recordsKnowTheLineTheyStartOn() {
        List<Csv.Row> rows = Csv.parse("h1,h2\n\n\"multi\nline\",x\nlast,y\n");
        assertThat(rows).extracting(Csv.Row::line).containsExactly(1, 3, 5);
        assertThat(rows.get(2).field(0)).isEqualTo("last");
    }

    @Test
    void toleratesByteOrderMarkBlankLinesAndSpacesAroundQuotes() {
        assertThat(fields("\uFEFFa,b\n\n   \n \"c, d\" ,e\n")).containsExactly(List.of("a", "b"), List.of("c, d", "e"));
        assertThat(fields("5\" wide,x")).containsExactly(List.of("5\" wide", "x"));
        assertThat(fields(" a , b ")).containsExactly(List.of(" a ", " b "));
    }

    @Test
    void anUnclosedQuoteOrTextAfterOneNamesTheLine() {
        assertThatThrownBy(() -> Csv.parse("a,b\nc,\"d\ne,f\n")).isInstanceOf(UserException.class)
                .hasMessageStartingWith("line 2:").hasMessageContaining("never closed");
        assertThatThrownBy(() -> Csv.parse("a,b\n\"c\"d,e\n")).isInstanceOf(UserException.class)
                .hasMessageStartingWith("line 2:").hasMessageContaining("\"\"");
    }

    @Test
    void quoteWritesWhatParseReads() {
        List<String> values = List.of("plain", "a, b", "say \"hi\"", "two\nlines", "");
        String line = String.join(",", values.stream().map(Csv::quote).toList());
        assertThat(Csv.quote("plain")).isEqualTo("plain");
        assertThat(fields(line)).containsExactly(values);
    }

    @Test
    void readNamesTheFileWhenMissingNotUtf8OrMalformed() throws IOException {
        Path table = Files.writeString(dir.resolve("t.csv"), "a,b\n\"x,y\n");
        assertThatThrownBy(() -> Csv.read(table, "stage table")).isInstanceOf(UserException.class)
                .hasMessageStartingWith("stage table " + table + " line 2:");
        Path latin1 = Files.write(dir.resolve("l.csv"), new byte[]{'c', (byte) 0xe9, ',', 'x', '\n'});
        assertThatThrownBy(() -> Csv.read(latin1, "labels table")).isInstanceOf(UserException.class)
                .hasMessageContaining("l.csv").hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> Csv.read(dir.resolve("none.csv"), "labels table")).isInstanceOf(UserException.class)
                .hasMessageContaining("none.csv").hasMessageContaining("does not exist");
        Path good = Files.writeString(dir.resolve("g.csv"), "\uFEFFname,é\r\n");
        assertThat(Csv.read(good, "x")).singleElement().extracting(Csv.Row::fields).isEqualTo(List.of("name", "é"));
    }
}
