package io.histoscale.dataset.store;

import io.histoscale.core.UserException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import static io.histoscale.dataset.store.ShardFormat.*;

/** A committed shard, memory-mapped on first use; every read uses absolute positions, so threads share it freely. */
final class Shard {
    private final Path storeDir;
    private final Manifest.ShardEntry entry;
    private volatile ByteBuffer data;
    private long indexOffset;

    Shard(Path storeDir, Manifest.ShardEntry entry) {
        this.storeDir = storeDir;
        this.entry = entry;
    }

    Manifest.ShardEntry entry() {
        return entry;
    }

    int patches() {
        return (int) entry.patches();
    }

    /** The whole file, mapped and checked for the right size, header and trailer. */
    ByteBuffer data() {
        ByteBuffer mapped = data;
        if (mapped == null) {
            synchronized (this) {
                mapped = data;
                if (mapped == null) data = mapped = map();
            }
        }
        return mapped;
    }

    /** Byte position of patch {@code k}'s index record. */
    int record(int k) {
        data();
        return (int) (indexOffset + (long) k * RECORD_BYTES);
    }

    /** Where payloads end and the index starts; payloads lie between the header and here. */
    long payloadEnd() {
        data();
        return indexOffset;
    }

    /** Recomputes the checksum of the whole file; a problem description, or null when the shard is sound. */
    String check() {
        ByteBuffer mapped;
        try {
            mapped = data();
        } catch (UserException e) {
            return e.getMessage();
        }
        CRC32C crc = new CRC32C();
        crc.update(mapped.duplicate().clear());
        String actual = Manifest.ShardEntry.hex((int) crc.getValue());
        if (actual.equals(entry.crc32c())) return null;
        return entry.file() + " (slide " + entry.slide() + ") has CRC32C " + actual + " but was written with "
                + entry.crc32c() + ": its bytes changed on disk";
    }

    /** The error for a shard whose contents do not make sense. */
    UserException damaged(String what) {
        return new UserException("Shard " + file() + " of slide " + entry.slide() + " is damaged (" + what
                + "). Run verify on the store; restore the file from a backup or tile the slide into a new store.");
    }

    Path file() {
        return storeDir.resolve(entry.file());
    }

    private ByteBuffer map() {
        ByteBuffer mapped;
        try (FileChannel channel = FileChannel.open(file(), StandardOpenOption.READ)) {
            long size = channel.size();
            if (size != entry.bytes()) {
                throw damaged(size + " bytes on disk, the manifest says " + entry.bytes() + "; truncated or overwritten");
            }
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
        } catch (NoSuchFileException e) {
            throw new UserException("Shard " + file() + " of slide " + entry.slide()
                    + " is missing. Restore it from a backup or tile the slide into a new store.");
        } catch (IOException e) {
            throw new UserException("Cannot read shard " + file() + ": " + e.getMessage(), e);
        }
        int size = mapped.capacity();
        if (size < HEADER_BYTES + TRAILER_BYTES || mapped.getInt(0) != MAGIC || mapped.getInt(size - 4) != END_MAGIC) {
            throw damaged("not a HistoScale shard: wrong header or trailer");
        }
        if (mapped.getInt(4) != VERSION) throw damaged("shard format version " + mapped.getInt(4) + ", this HistoScale reads " + VERSION);
        long offset = mapped.getLong(size - TRAILER_BYTES);
        int count = mapped.getInt(size - TRAILER_BYTES + 8);
        if (count != entry.patches() || offset != size - TRAILER_BYTES - (long) count * RECORD_BYTES) {
            throw damaged("its index holds " + count + " patches, the manifest says " + entry.patches());
        }
        if (offset < HEADER_BYTES) throw damaged("its index of " + count + " patches does not fit in " + size + " bytes");
        indexOffset = offset;
        return mapped;
    }
}
