package io.histoscale.dataset.folder;

import io.histoscale.core.Csv;
import io.histoscale.core.UserException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The optional {@code labels.csv} beside the class folders (CSV as {@link Csv} reads it): one row per image, keyed
 * by its path relative to the folder ({@code file} column), giving where it came from. Recognised columns: {@code source_slide} (or
 * {@code source_image}, {@code slide}), {@code patient}, {@code centre} (or {@code center}), {@code x_level0} and
 * {@code y_level0}. Other columns, including any label column (the sub-folder is the label), are ignored.
 */
final class LabelsTable {
    static final String FILE = "labels.csv";

    /** What a row says about one image; null where the column is absent or empty. */
    record Row(String slide, String patient, String centre, Long x, Long y) {
    }

    private final Map<String, Row> rows;

    private LabelsTable(Map<String, Row> rows) {
        this.rows = rows;
    }

    static LabelsTable read(Path folder) {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) return new LabelsTable(Map.of());
        List<Csv.Row> lines = Csv.read(file, "labels table");
        if (lines.isEmpty()) return new LabelsTable(Map.of());
        List<String> header = lines.get(0).fields().stream().map(String::strip).toList();
        int fileColumn = header.indexOf("file");
        if (fileColumn < 0) throw new UserException(file + " needs a 'file' column with each image's path inside " + folder + ".");
        int slide = first(header, "source_slide", "source_image", "slide");
        int patient = first(header, "patient");
        int centre = first(header, "centre", "center");
        int x = first(header, "x_level0");
        int y = first(header, "y_level0");
        Map<String, Row> rows = new HashMap<>();
        for (Csv.Row line : lines.subList(1, lines.size())) {
            List<String> cells = line.fields();
            if (cells.size() != header.size()) {
                throw new UserException(file + " line " + line.line() + " has " + cells.size() + " cells, the header " + header.size() + ".");
            }
            try {
                rows.put(cells.get(fileColumn), new Row(withoutExtension(cell(cells, slide)), cell(cells, patient),
                        cell(cells, centre), number(cell(cells, x)), number(cell(cells, y))));
            } catch (NumberFormatException e) {
                throw new UserException(file + " line " + line.line() + ": x_level0 and y_level0 must be whole numbers.");
            }
        }
        return new LabelsTable(rows);
    }

    /** The row of the image at {@code relativePath} (with '/' separators). */
    Optional<Row> row(String relativePath) {
        return Optional.ofNullable(rows.get(relativePath));
    }

    /** "tumor_004.tif" names the slide tumor_004, as the image file names do. */
    private static String withoutExtension(String name) {
        return name == null ? null : name.replaceFirst("\\.[A-Za-z0-9]{2,5}$", "");
    }

    private static int first(List<String> header, String... names) {
        for (String name : names) {
            int column = header.indexOf(name);
            if (column >= 0) return column;
        }
        return -1;
    }

    private static String cell(List<String> cells, int column) {
        if (column < 0) return null;
        String value = cells.get(column).strip();
        return value.isEmpty() ? null : value;
    }

    private static Long number(String value) {
        return value == null ? null : Long.valueOf(value);
    }
}
