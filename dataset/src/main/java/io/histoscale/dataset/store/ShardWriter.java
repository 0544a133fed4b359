package io.histoscale.dataset.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import static io.histoscale.dataset.store.ShardFormat.*;

/** Writes one shard file under a temporary name: payloads as they come, the index and trailer when sealed. */
final class ShardWriter {

    /** A shard written and flushed to disk, still under its temporary name. */
    record Sealed(Path file, int patches, long bytes, int crc32c) {
    }

    private final Path file;
    private final FileChannel channel;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer index = ByteBuffer.allocate(RECORD_BYTES * 1024).order(ByteOrder.LITTLE_ENDIAN);
    private long position;
    private int patches;

    /** Creates the file and writes its header; on failure nothing is left behind. */
    ShardWriter(Path file) throws IOException {
        this.file = file;
        channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(MAGIC).putInt(VERSION).putInt(RECORD_BYTES).putInt(0).flip();
            write(header);
        } catch (IOException e) {
            try {
                discard();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    int patches() {
        return patches;
    }

    /** The file size once a payload of {@code payloadBytes} is added and the shard sealed. */
    long sizeWith(long payloadBytes) {
        return position + payloadBytes + (long) (patches + 1) * RECORD_BYTES + TRAILER_BYTES;
    }

    void add(ByteBuffer payload, PatchMeta meta) throws IOException {
        if (index.remaining() < RECORD_BYTES) {
            index = ByteBuffer.allocate(index.capacity() * 2).order(ByteOrder.LITTLE_ENDIAN).put(index.flip());
        }
        int start = index.position();
        index.putLong(start + OFFSET, position)
                .putInt(start + LENGTH, payload.remaining())
                .putInt(start + LABEL, meta.label())
                .putLong(start + X, meta.x())
                .putLong(start + Y, meta.y())
                .putDouble(start + MPP, meta.mpp())
                .putInt(start + LEVEL, meta.level())
                .putFloat(start + TUMOUR_FRACTION, meta.tumourFraction())
                .position(start + RECORD_BYTES);
        write(payload);
        patches++;
    }

    /** Writes index and trailer, flushes the file to disk and closes it. */
    Sealed seal() throws IOException {
        long indexOffset = position;
        write(index.flip());
        write(ByteBuffer.allocate(TRAILER_BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(indexOffset).putInt(patches).putInt(END_MAGIC).flip());
        channel.force(true);
        channel.close();
        return new Sealed(file, patches, position, (int) crc.getValue());
    }

    /** Closes and deletes the file. */
    void discard() throws IOException {
        channel.close();
        Files.deleteIfExists(file);
    }

    private void write(ByteBuffer buffer) throws IOException {
        crc.update(buffer.duplicate());
        while (buffer.hasRemaining()) position += channel.write(buffer);
    }
}
