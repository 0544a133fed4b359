package io.histoscale.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files replaced whole or not at all: the new content goes to a temporary file beside the target, is forced to disk,
 * then renamed over the target in one step. Readers see the old file or the new one, never a mix. The temporary file
 * ({@code .NAME.PID-THREAD.tmp}) is the writer's own, so writers of one target do not trip over each other (the last
 * rename wins); one left by a killed process is removed by the next write of that target.
 */
public final class AtomicFiles {

    /** Writes the content of a file through a channel; must write everything before returning. */
    @FunctionalInterface
    public interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Replaces {@code target} with what {@code content} writes.
     *
     * @throws UserException when the file cannot be written (a read-only folder, a full disk); the old file stays
     */
    public static void write(Path target, Content content) {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            removeLeftovers(dir, file.getFileName().toString());
            // Not Files.createTempFile: its owner-only permissions would stay on the renamed file.
            temp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "-"
                    + Thread.currentThread().getId() + ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                content.writeTo(channel);
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new UserException("cannot write " + target + ": " + e.getMessage()
                    + " (check the folder is writable and the disk is not full)", e);
        }
    }

    /** Replaces {@code target} with {@code bytes}. */
    public static void write(Path target, byte[] bytes) {
        write(target, channel -> writeFully(channel, ByteBuffer.wrap(bytes)));
    }

    /** Replaces {@code target} with a UTF-8 text. */
    public static void writeString(Path target, String text) {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes all of {@code buffer}'s remaining bytes. */
    public static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Makes the rename itself durable (on Linux; elsewhere a directory cannot be opened, and this does nothing). */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // not supported on this platform: the rename is atomic all the same
        }
    }

    /** Deletes temporary files of {@code name} whose writing process is gone (killed mid-write). */
    private static void removeLeftovers(Path dir, String name) throws IOException {
        String prefix = "." + name + ".";
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, p -> {
            String f = p.getFileName().toString();
            return f.startsWith(prefix) && f.endsWith(".tmp");
        })) {
            for (Path temp : temps) {
                String owner = temp.getFileName().toString().substring(prefix.length()).replaceFirst("-.*", "");
                try {
                    if (ProcessHandle.of(Long.parseLong(owner)).isEmpty()) Files.deleteIfExists(temp);
                } catch (NumberFormatException e) {
                    // not one of ours
                }
            }
        }
    }

    private static void deleteQuietly(Path temp) {
        if (temp == null) return;
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // the write already failed; that error is the one to report
        }
    }
}
