package io.histoscale.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Files of one JSON value per line ({@code metrics.jsonl}, {@code rounds.jsonl}): appended to a line at a time, so a
 * killed writer loses at most the line it was writing and readers of a growing file see whole lines.
 */
public final class JsonLines {

    private JsonLines() {
    }

    /**
     * Appends {@code value} as one line, creating the file (and its folder) when missing.
     *
     * @throws UserException when the file cannot be written (a read-only folder, a full disk)
     */
    public static void append(Path file, Object value) {
        byte[] line = (Json.line(value) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UserException("cannot append to " + file + ": " + e.getMessage()
                    + " (check the folder is writable and the disk is not full)", e);
        }
    }

    /** Replaces the whole file with these values, one a line, atomically ({@link AtomicFiles}). */
    public static void rewrite(Path file, Iterable<?> values) {
        StringBuilder text = new StringBuilder();
        values.forEach(v -> text.append(Json.line(v)).append('\n'));
        AtomicFiles.writeString(file, text.toString());
    }
}
