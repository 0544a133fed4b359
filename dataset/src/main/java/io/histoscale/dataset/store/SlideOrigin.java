package io.histoscale.dataset.store;

import io.histoscale.core.Hashing;
import io.histoscale.core.UserException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The file a slide's patches were cut from: its path and a fingerprint of its content. A store knows its slides by
 * fingerprint (the same content under any path or name is the same slide) and remembers the path (a file at a known
 * path whose fingerprint changed was replaced since it was tiled).
 *
 * <p>The fingerprint is the SHA-256 of the file's size (8 bytes, big-endian) followed by its first and its last MiB
 * (the whole file when it is under 2 MiB), as 64 hex digits. Slides are gigabytes, often on network storage, and are
 * fingerprinted on every re-run: hashing them whole would cost seconds to minutes per slide, this costs 2 MiB of
 * reading. A different scan or export differs in size, in its header (the first MiB holds the TIFF header and
 * description with the scanner's date and time) or in its tail (where the last pyramid levels and images are); a file
 * still being copied differs in size or tail. What it cannot see is an edit of the middle that keeps the size, which
 * is not how slide files change.
 *
 * @param path        absolute, normalised path of the file
 * @param fingerprint 64 hex digits, see above
 */
public record SlideOrigin(String path, String fingerprint) {
    static final int END_BYTES = 1 << 20;

    /**
     * Fingerprints {@code file}.
     *
     * @throws UserException when the file cannot be read
     */
    public static SlideOrigin of(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        MessageDigest sha = Hashing.sha256();
        try (FileChannel channel = FileChannel.open(absolute, StandardOpenOption.READ)) {
            long size = channel.size();
            sha.update(ByteBuffer.allocate(Long.BYTES).putLong(size).flip());
            long head = Math.min(size, END_BYTES);
            digest(channel, 0, head, sha);
            long tailStart = Math.max(head, size - END_BYTES);
            digest(channel, tailStart, size - tailStart, sha);
        } catch (IOException e) {
            throw new UserException("cannot read slide " + absolute + ": " + e.getMessage() + " (check the file is readable)", e);
        }
        return new SlideOrigin(absolute.toString(), HexFormat.of().formatHex(sha.digest()));
    }

    /** The first {@code digits} hex digits of the fingerprint, to tell apart slides of one name. */
    public String shortFingerprint(int digits) {
        return fingerprint.substring(0, Math.min(digits, fingerprint.length()));
    }

    private static void digest(FileChannel channel, long from, long length, MessageDigest sha) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(length, 64 * 1024));
        long at = from, end = from + length;
        while (at < end) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), end - at));
            int n = channel.read(buffer, at);
            if (n < 0) throw new IOException("the file shrank while it was read");
            at += n;
            sha.update(buffer.flip());
        }
    }
}
