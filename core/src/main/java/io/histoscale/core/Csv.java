package io.histoscale.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Comma-separated tables as RFC 4180 writes them, and as spreadsheets save them: a field in double quotes may hold
 * commas, line breaks and doubled quotes ({@code "a ""b"", c"} is {@code a "b", c}); records end with CRLF, LF or CR;
 * a leading byte-order mark is dropped. Lenient where it costs nothing: spaces before an opening or after a closing
 * quote are ignored, a quote inside an unquoted field is kept as text, and blank lines are skipped. Fields are not
 * trimmed: what to do with spaces is the caller's decision.
 *
 * <pre>{@code
 * for (Csv.Row row : Csv.read(file, "stage table")) {
 *     String name = row.field(0).strip();
 * }
 * }</pre>
 */
public final class Csv {
    private static final char QUOTE = '"';
    private static final char BOM = '\uFEFF';

    private Csv() {
    }

    /**
     * One record.
     *
     * @param line   line of the text it starts on, from 1 (a quoted line break makes the next record start later)
     * @param fields its fields, unquoted
     */
    public record Row(int line, List<String> fields) {
        public Row {
            fields = List.copyOf(fields);
        }

        /** Field {@code i}, from 0. */
        public String field(int i) {
            return fields.get(i);
        }

        public int size() {
            return fields.size();
        }
    }

    /**
     * Reads a UTF-8 CSV file.
     *
     * @param what what the file is, for messages ({@code "stage table"})
     * @throws UserException naming the file (and line) when it is missing, not UTF-8, or has a quote left open
     */
    public static List<Row> read(Path file, String what) {
        String text;
        try {
            // a strict decoder: a table saved in another encoding is refused, not read with replacement characters
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw new UserException(what + " " + file + " does not exist: check the path", e);
        } catch (CharacterCodingException e) {
            throw new UserException(what + " " + file + " is not UTF-8 text: save it as CSV (UTF-8)", e);
        } catch (IOException e) {
            throw new UserException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(text);
        } catch (UserException e) {
            throw new UserException(what + " " + file + " " + e.getMessage(), e);
        }
    }

    /**
     * Splits CSV text into records.
     *
     * @throws UserException naming the line ({@code line 4: ...}) when a quoted field is never closed or text
     *                       follows a closing quote
     */
    public static List<Row> parse(String text) {
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false; // inside quotes now
        boolean wasQuoted = false; // the current field had quotes
        boolean afterQuote = false; // the current field's closing quote has been read
        int line = 1, recordLine = 1, quoteLine = 1;
        int start = !text.isEmpty() && text.charAt(0) == BOM ? 1 : 0;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == QUOTE) {
                    if (i + 1 < text.length() && text.charAt(i + 1) == QUOTE) {
                        field.append(QUOTE);
                        i++;
                    } else {
                        quoted = false;
                        afterQuote = true;
                    }
                } else {
                    if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) line++;
                    field.append(c);
                }
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                wasQuoted = afterQuote = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
                fields.add(field.toString());
                if (!isBlank(fields, wasQuoted)) rows.add(new Row(recordLine, fields));
                fields = new ArrayList<>();
                field.setLength(0);
                wasQuoted = afterQuote = false;
                recordLine = ++line;
            } else if (afterQuote) {
                if (!Character.isWhitespace(c)) {
                    throw new UserException("line " + line + ": text after a closing quote (" + field + "\"" + c
                            + "...): a quote inside a quoted field is written twice (\"\")");
                }
            } else if (c == QUOTE && field.toString().isBlank()) {
                field.setLength(0);
                quoted = wasQuoted = true;
                quoteLine = line;
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new UserException("line " + quoteLine + ": a quote opens a field that is never closed: add the "
                    + "closing quote (a quote inside a quoted field is written twice, \"\")");
        }
        if (!fields.isEmpty() || field.length() > 0 || wasQuoted) {
            fields.add(field.toString());
            if (!isBlank(fields, wasQuoted)) rows.add(new Row(recordLine, fields));
        }
        return rows;
    }

    private static boolean isBlank(List<String> fields, boolean quoted) {
        return fields.size() == 1 && !quoted && fields.get(0).isBlank();
    }

    /**
     * A field as CSV writes it, quotes doubled inside; quoted when it holds a comma, quote or line break, and when it
     * is blank or starts with a byte-order mark, which {@link #parse} would otherwise read as a blank line (when
     * alone on it) or drop.
     */
    public static String quote(String field) {
        boolean plain = field.chars().noneMatch(c -> c == ',' || c == QUOTE || c == '\n' || c == '\r')
                && !field.isBlank() && field.charAt(0) != BOM;
        return plain ? field : QUOTE + field.replace("\"", "\"\"") + QUOTE;
    }
}
