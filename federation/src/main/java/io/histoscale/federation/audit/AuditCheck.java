package io.histoscale.federation.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Hashing;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.federation.transport.Chunks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Verifies a site's {@link AuditLog}: that the chain of lines is intact and that nothing that left the site could
 * have carried pixels or per-patch data. Every message must be of a known type; every message other than a
 * parameter chunk must be smaller than {@link #SMALL_BYTES} (less than one 19 × 19 RGB patch: hellos, aggregate
 * results and failures are a few hundred bytes); and parameter chunks must together make up whole buffers whose sizes
 * are exactly the parameter and statistics counts of the model they name, sent in order, nothing more.
 */
public final class AuditCheck {

    /** Largest allowed message that is not a parameter chunk. */
    public static final int SMALL_BYTES = 1024;
    /** Bytes a chunk may add to its floats: field tags, transfer id, offsets, a SHA-256. */
    static final int CHUNK_OVERHEAD = 256;


    /**
     * What the audit found.
     *
     * @param messages   lines checked
     * @param bytes      bytes that left the site
     * @param byType     messages per type
     * @param transfers  complete model states sent (coordinator or peers)
     * @param problems   every violation found; empty when the log proves no pixels left
     * @param notes      transfers cut short (a site stopped mid-transfer): no violation, as each chunk still
     *                   belongs to a buffer of the model's exact size
     */
    public record Report(long messages, long bytes, Map<String, Long> byType, long transfers, List<String> problems,
                         List<String> notes) {
        public boolean clean() {
            return problems.isEmpty();
        }
    }

    /** Floats of a model's parameters and statistics buffers. */
    public record BufferSizes(long parameters, long statistics) {
    }

    private AuditCheck() {
    }

    /**
     * Checks a log.
     *
     * @param sizes the buffer sizes of a model named in the log ({@code architecture/classes/input}), which the
     *              checker computes independently of the log
     * @throws UserException when the file is missing
     */
    public static Report verify(Path log, Function<String, BufferSizes> sizes) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserException("audit log " + log + " does not exist; a site writes it to <site folder>/audit.jsonl");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> problems = new ArrayList<>();
        Map<String, Long> byType = new TreeMap<>();
        Map<String, long[]> open = new LinkedHashMap<>(); // transfer/buffer -> {floats received, total}
        Map<String, BufferSizes> cache = new HashMap<>();
        Map<String, Integer> buffersDone = new HashMap<>();
        String previous = AuditLog.GENESIS;
        long bytes = 0;
        long transfers = 0;
        long expectedSeq = 0;
        for (int n = 0; n < lines.size(); n++) {
            String text = lines.get(n);
            String where = "line " + (n + 1);
            JsonNode line;
            try {
                line = Json.MAPPER.readTree(text);
            } catch (IOException e) {
                problems.add(where + ": not JSON");
                previous = Hashing.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
                continue;
            }
            if (!previous.equals(line.path("prev").asText())) {
                problems.add(where + ": chain broken (prev does not match the line before: edited or removed lines)");
            }
            previous = Hashing.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
            long seq = line.path("seq").asLong();
            if (n > 0 && seq != expectedSeq + 1) {
                problems.add(where + ": sequence " + seq + " after " + expectedSeq);
            }
            expectedSeq = seq;
            String type = line.path("type").asText();
            long size = line.path("bytes").asLong(-1);
            bytes += Math.max(0, size);
            byType.merge(type, 1L, Long::sum);
            if (!AuditLog.TYPES.contains(type)) {
                problems.add(where + ": message type '" + type + "' is not one a site may send");
                continue;
            }
            boolean chunk = type.equals(AuditLog.PARAMETER_CHUNK) || type.equals(AuditLog.HANDOFF_CHUNK);
            if (!chunk) {
                if (size < 0 || size >= SMALL_BYTES) {
                    problems.add(where + ": " + type + " of " + size + " bytes (at most " + (SMALL_BYTES - 1)
                            + " allowed)");
                }
                continue;
            }
            long floats = line.path("floats").asLong(-1);
            long total = line.path("total").asLong(-1);
            long offset = line.path("offset").asLong(-1);
            String buffer = line.path("buffer").asText();
            String model = line.path("model").asText("");
            if (floats < 0 || floats * Float.BYTES > Chunks.CHUNK_BYTES || size > floats * Float.BYTES + CHUNK_OVERHEAD) {
                problems.add(where + ": chunk of " + size + " bytes for " + floats + " floats");
            }
            BufferSizes expected = cache.computeIfAbsent(model, m -> {
                try {
                    return sizes.apply(m);
                } catch (RuntimeException e) {
                    return null;
                }
            });
            long wanted = expected == null ? -1 : buffer.equals("PARAMETERS") ? expected.parameters()
                    : buffer.equals("STATISTICS") ? expected.statistics() : -1;
            if (wanted < 0 || total != wanted) {
                problems.add(where + ": " + buffer + " buffer of " + total + " floats, but model '" + model + "' has "
                        + (wanted < 0 ? "no such buffer" : wanted));
            }
            String key = line.path("to").asText() + " " + line.path("transfer").asText() + " " + buffer;
            long[] state = open.computeIfAbsent(key, k -> new long[]{0, total});
            if (offset != state[0] || total != state[1] || state[0] + floats > total) {
                problems.add(where + ": chunk at " + offset + " of " + key + " does not follow the " + state[0]
                        + " floats sent");
            }
            state[0] = offset + floats;
            if (state[0] == total) {
                open.remove(key);
                String transfer = line.path("to").asText() + " " + line.path("transfer").asText();
                if (buffersDone.merge(transfer, 1, Integer::sum) == 2) {
                    buffersDone.remove(transfer); // ids repeat across runs: count each completion
                    transfers++;
                }
            }
        }
        List<String> notes = new ArrayList<>();
        open.forEach((key, state) -> notes.add("transfer " + key + " stopped after " + state[0] + " of " + state[1]
                + " floats"));
        return new Report(lines.size(), bytes, byType, transfers, problems, notes);
    }
}
