package io.histoscale.launch;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Tails of job logs, for the message of a failed run. */
public final class Logs {

    private Logs() {
    }

    /**
     * The last {@code lines} lines of {@code log} (at most its last 64 KiB), with progress-bar redraws dropped; empty
     * when the log does not exist.
     */
    public static String tail(Path log, int lines) {
        if (log == null || !Files.isRegularFile(log)) return "";
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(0, f.length() - 65536);
            byte[] bytes = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(bytes);
            List<String> all = Arrays.stream(new String(bytes, StandardCharsets.UTF_8).split("\n"))
                    .map(l -> l.substring(l.lastIndexOf('\r') + 1).stripTrailing())
                    .filter(l -> !l.isBlank()).collect(Collectors.toList());
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
