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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Verifies a site's {@link AuditLog}: that the chain of lines is intact and that nothing that left the site could
 * have carried pixels or per-patch data. Every message must be of a known type; every message other than a
 * parameter chunk must be smaller than {@link #SMALL_BYTES} (less than one 19 × 19 RGB patch: hellos, aggregate
 * results and failures are a few hundred bytes); and parameter chunks must together make up whole buffers whose sizes
 * are exactly the parameter and statistics counts of the model they name, sent in order, nothing more.
 *
 * <p>It also checks who got them (each line names the receiver its certificate verified): one site's log throughout,
 * and, given the plan's {@link Peers}, that the site is one of the plan, that everything but peer hand-offs went to
 * the plan's coordinator and hand-offs to other sites of the plan. Without a plan, every message that is no hand-off
 * must have gone to one coordinator throughout; the report lists the names seen either way.
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
     * @param receivers  messages per receiver name
     */
    public record Report(long messages, long bytes, Map<String, Long> byType, long transfers, List<String> problems,
                         List<String> notes, Map<String, Long> receivers) {
        public boolean clean() {
            return problems.isEmpty();
        }
    }

    /** Who a plan lets a site talk to: its coordinator's name, and its sites (certificate names). */
    public record Peers(String coordinator, List<String> sites) {
        public Peers {
            sites = List.copyOf(sites);
        }
    }

    /** Floats of a model's parameters and statistics buffers. */
    public record BufferSizes(long parameters, long statistics) {
    }

    private AuditCheck() {
    }

    /**
     * Checks a log without a plan: its messages must have gone to one coordinator.
     *
     * @see #verify(Path, Function, Peers)
     */
    public static Report verify(Path log, Function<String, BufferSizes> sizes) {
        return verify(log, sizes, null);
    }

    /**
     * Checks a log.
     *
     * @param sizes the buffer sizes of a model named in the log ({@code architecture/classes/input}), which the
     *              checker computes independently of the log
     * @param plan  whom the plan lets the site talk to, or null to require one coordinator throughout
     * @throws UserException when the file is missing
     */
    public static Report verify(Path log, Function<String, BufferSizes> sizes, Peers plan) {
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
        Receivers receivers = new Receivers(plan, problems);
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
            receivers.check(where, type, line.path("from").asText(""), line.path("to").asText(""));
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
        return new Report(lines.size(), bytes, byType, transfers, problems, notes, receivers.seen);
    }

    /** Checks the sender and receiver of each line; flags each wrong name once. */
    private static final class Receivers {
        private final Peers plan;
        private final List<String> problems;
        private final Map<String, Long> seen = new TreeMap<>();
        private final Set<String> flagged = new HashSet<>();
        private String site;
        private String coordinator;

        Receivers(Peers plan, List<String> problems) {
            this.plan = plan;
            this.problems = problems;
        }

        void check(String where, String type, String from, String to) {
            seen.merge(to, 1L, Long::sum);
            if (site == null) {
                site = from;
                if (plan != null && !plan.sites().contains(from)) {
                    problems.add(where + ": the log of " + from + ", which is not a site of the plan " + plan.sites());
                }
            } else if (!from.equals(site)) {
                flag(where + ": sent by " + from + ", but the log is " + site + "'s", "from " + from);
            }
            if (to.isEmpty()) {
                flag(where + ": " + type + " without a receiver", "to nobody");
            } else if (type.equals(AuditLog.HANDOFF_CHUNK)) {
                if (plan != null && (!plan.sites().contains(to) || to.equals(site))) {
                    flag(where + ": weights handed to " + to + ", not another site of the plan " + plan.sites(),
                            "to " + to);
                }
            } else if (plan != null) {
                if (!to.equals(plan.coordinator())) {
                    flag(where + ": " + type + " sent to " + to + ", not the plan's coordinator " + plan.coordinator(),
                            "to " + to);
                }
            } else if (coordinator == null) {
                coordinator = to;
            } else if (!to.equals(coordinator)) {
                flag(where + ": " + type + " sent to " + to + ", but earlier lines to " + coordinator + ": a site "
                        + "has one coordinator (check the names against the plan)", "to " + to);
            }
        }

        private void flag(String problem, String what) {
            if (flagged.add(what)) {
                problems.add(problem);
            }
        }
    }
}
