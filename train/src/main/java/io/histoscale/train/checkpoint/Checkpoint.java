package io.histoscale.train.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.AtomicFiles;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A training checkpoint: a JSON header (what the trainer needs to continue) and named float sections (weights,
 * batch-norm statistics, optimiser state), written atomically ({@link AtomicFiles}) and checked by a CRC32C on
 * reading.
 *
 * <p>Layout, little-endian: the magic {@code HSCKPT01}; the header's length and UTF-8 JSON; the number of sections;
 * per section its name's length and UTF-8 name, its float count and floats; finally the CRC32C of all bytes before it.
 */
public final class Checkpoint {

    private static final byte[] MAGIC = "HSCKPT01".getBytes(StandardCharsets.US_ASCII);

    private final JsonNode header;
    private final List<String> names = new ArrayList<>();
    private final List<FloatBuffer> sections = new ArrayList<>();

    public Checkpoint(JsonNode header) {
        this.header = header;
    }

    public JsonNode header() {
        return header;
    }

    /** Adds a section holding {@code values}' remaining floats (read when the checkpoint is written). */
    public Checkpoint add(String name, FloatBuffer values) {
        if (names.contains(name)) {
            throw new IllegalArgumentException("section " + name + " added twice");
        }
        names.add(name);
        sections.add(values.duplicate());
        return this;
    }

    /** A new little-endian float buffer of {@code floats} values, to fill and {@link #add}. */
    public static FloatBuffer floats(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    public List<String> sections() {
        return List.copyOf(names);
    }

    /**
     * A section's floats.
     *
     * @throws IllegalArgumentException when there is no such section
     */
    public FloatBuffer section(String name) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("checkpoint has no section " + name + " (it has " + names + ")");
        }
        return sections.get(i).duplicate();
    }

    /** Writes the checkpoint to {@code file}, atomically. */
    public void write(Path file) {
        AtomicFiles.write(file, channel -> {
            CRC32C crc = new CRC32C();
            byte[] headerBytes = Json.MAPPER.writeValueAsBytes(header);
            ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 8 + headerBytes.length).order(ByteOrder.LITTLE_ENDIAN);
            head.put(MAGIC).putInt(headerBytes.length).put(headerBytes).putInt(sections.size()).flip();
            put(channel, head, crc);
            for (int s = 0; s < sections.size(); s++) {
                byte[] name = names.get(s).getBytes(StandardCharsets.UTF_8);
                FloatBuffer values = sections.get(s).duplicate();
                ByteBuffer sectionHead = ByteBuffer.allocate(8 + name.length).order(ByteOrder.LITTLE_ENDIAN);
                sectionHead.putInt(name.length).put(name).putInt(values.remaining()).flip();
                put(channel, sectionHead, crc);
                ByteBuffer bytes = ByteBuffer.allocateDirect(Math.min(values.remaining(), 1 << 20) * Float.BYTES)
                        .order(ByteOrder.LITTLE_ENDIAN);
                while (values.hasRemaining()) {
                    int n = Math.min(values.remaining(), bytes.capacity() / Float.BYTES);
                    bytes.clear();
                    bytes.asFloatBuffer().put(values.slice(values.position(), n));
                    values.position(values.position() + n);
                    bytes.limit(n * Float.BYTES);
                    put(channel, bytes, crc);
                }
            }
            ByteBuffer tail = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            tail.putInt((int) crc.getValue()).flip();
            AtomicFiles.writeFully(channel, tail);
        });
    }

    /**
     * Reads a checkpoint.
     *
     * @throws UserException when the file is missing, not a checkpoint, truncated or damaged
     */
    public static Checkpoint read(Path file) {
        ByteBuffer data;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            data = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (NoSuchFileException e) {
            throw new UserException("checkpoint " + file + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
        int length = data.capacity();
        if (length < MAGIC.length + 12 || !Arrays.equals(bytes(data, 0, MAGIC.length), MAGIC)) {
            throw damaged(file, "not a HistoScale checkpoint");
        }
        CRC32C crc = new CRC32C();
        crc.update(data.slice(0, length - 4));
        if ((int) crc.getValue() != data.getInt(length - 4)) {
            throw damaged(file, "checksum mismatch");
        }
        try {
            int at = MAGIC.length;
            int headerLength = data.getInt(at);
            JsonNode header = Json.MAPPER.readTree(bytes(data, at + 4, headerLength));
            at += 4 + headerLength;
            Checkpoint checkpoint = new Checkpoint(header);
            int count = data.getInt(at);
            at += 4;
            for (int s = 0; s < count; s++) {
                int nameLength = data.getInt(at);
                String name = new String(bytes(data, at + 4, nameLength), StandardCharsets.UTF_8);
                at += 4 + nameLength;
                int floats = data.getInt(at);
                at += 4;
                ByteBuffer values = data.slice(at, floats * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                checkpoint.add(name, values.asFloatBuffer());
                at += floats * Float.BYTES;
            }
            if (at != length - 4) {
                throw damaged(file, "unexpected length");
            }
            return checkpoint;
        } catch (IOException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw damaged(file, e.getMessage());
        }
    }

    /** Whether a checkpoint file exists at {@code file}. */
    public static boolean exists(Path file) {
        return Files.isRegularFile(file);
    }

    private static void put(FileChannel channel, ByteBuffer bytes, CRC32C crc) throws IOException {
        crc.update(bytes.duplicate());
        AtomicFiles.writeFully(channel, bytes);
    }

    private static byte[] bytes(ByteBuffer data, int at, int length) {
        byte[] out = new byte[length];
        data.get(at, out);
        return out;
    }

    private static UserException damaged(Path file, String why) {
        return new UserException("checkpoint " + file + " is damaged (" + why + "): delete it to start that run "
                + "afresh, or restore it from a copy");
    }
}
