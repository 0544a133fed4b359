package io.histoscale.federation.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.MessageLite;
import io.histoscale.core.Hashing;
import io.histoscale.core.Json;
import io.histoscale.federation.proto.ParameterChunk;
import io.histoscale.federation.proto.SiteMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * A site's record of everything that left it: one JSON line per outgoing message with its type, size, SHA-256 of
 * its bytes on the wire, the receiver's identity (from the receiver's verified certificate) and, for parameter
 * chunks, which floats of which buffer of which model it carried. The file is only ever appended to; each line also
 * holds the SHA-256 of the line before ({@code prev}), so removing or editing a line breaks the chain that
 * {@link AuditCheck} verifies.
 */
public final class AuditLog implements AutoCloseable {

    /** Message types a site may send. */
    public static final String HELLO = "hello";
    public static final String PARAMETER_CHUNK = "parameter_chunk";
    public static final String RESULT = "result";
    public static final String FAILURE = "failure";
    public static final String HANDOFF_CHUNK = "handoff_chunk";
    public static final List<String> TYPES = List.of(HELLO, PARAMETER_CHUNK, RESULT, FAILURE, HANDOFF_CHUNK);
    static final String GENESIS = "0".repeat(64);


    private final FileChannel channel;
    private final String self;
    private String previous;
    private long sequence;

    private AuditLog(FileChannel channel, String self, String previous, long sequence) {
        this.channel = channel;
        this.self = self;
        this.previous = previous;
        this.sequence = sequence;
    }

    /** Opens (or creates) a site's log for appending, continuing the chain of what it already holds. */
    public static AuditLog open(Path file, String self) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            String previous = GENESIS;
            long sequence = 0;
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (!lines.isEmpty()) {
                    String last = lines.get(lines.size() - 1);
                    previous = Hashing.sha256Hex(last.getBytes(StandardCharsets.UTF_8));
                    sequence = Json.MAPPER.readTree(last).path("seq").asLong();
                }
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
            return new AuditLog(channel, self, previous, sequence);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log " + file + ": " + e.getMessage(), e);
        }
    }

    /** Records a message to the coordinator. */
    public void sent(SiteMessage message, String receiver, String model) {
        switch (message.getBodyCase()) {
            case HELLO -> record(HELLO, message, receiver, null, model);
            case CHUNK -> record(PARAMETER_CHUNK, message, receiver, message.getChunk(), model);
            case RESULT -> record(RESULT, message, receiver, null, model);
            case FAILURE -> record(FAILURE, message, receiver, null, model);
            default -> throw new IllegalArgumentException("unexpected outgoing message " + message.getBodyCase());
        }
    }

    /** Records a chunk handed straight to a peer site. */
    public void handedOff(ParameterChunk chunk, String receiver, String model) {
        record(HANDOFF_CHUNK, chunk, receiver, chunk, model);
    }

    private synchronized void record(String type, MessageLite message, String receiver, ParameterChunk chunk,
                                     String model) {
        byte[] wire = message.toByteArray();
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("seq", ++sequence);
        line.put("time", Instant.now().toString());
        line.put("from", self);
        line.put("to", receiver);
        line.put("type", type);
        line.put("bytes", wire.length);
        line.put("sha256", Hashing.sha256Hex(wire));
        if (model != null) {
            line.put("model", model);
        }
        if (chunk != null) {
            line.put("transfer", chunk.getTransfer());
            line.put("buffer", chunk.getBuffer().name());
            line.put("offset", chunk.getOffset());
            line.put("floats", chunk.getData().size() / Float.BYTES);
            line.put("total", chunk.getTotal());
        }
        line.put("prev", previous);
        try {
            String text = Json.MAPPER.writeValueAsString(line);
            ByteBuffer bytes = ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            if (chunk == null) {
                channel.force(false);
            }
            previous = Hashing.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the audit log: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.force(true);
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
