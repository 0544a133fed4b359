package io.histoscale.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small real file system of its own (a tmpfs mounted on a test's folder), for the failures a user's disk produces:
 * it fills up ({@code No space left on device}) and it can be made read-only ({@code Read-only file system}). File
 * modes cannot stand in for these when the tests run as root, who may write any file.
 *
 * <pre>{@code
 * assumeTrue(SmallFileSystem.whyUnavailable() == null, SmallFileSystem.whyUnavailable());
 * try (SmallFileSystem fs = SmallFileSystem.mount(dir.resolve("disk"), 64 * 1024)) {
 *     Files.writeString(fs.root().resolve("a.txt"), "x");
 *     fs.readOnly();
 * }
 * }</pre>
 */
public final class SmallFileSystem implements AutoCloseable {

    private static String why;
    private static boolean checked;

    private final Path root;

    private SmallFileSystem(Path root) {
        this.root = root;
    }

    /** Why this machine cannot mount one (not root, no mount permission), or null when it can. */
    public static synchronized String whyUnavailable() {
        if (!checked) {
            checked = true;
            try {
                Path probe = Files.createTempDirectory("histoscale-mount-probe");
                try (SmallFileSystem fs = mount(probe, 16 * 1024)) {
                    fs.readOnly();
                } finally {
                    Files.deleteIfExists(probe);
                }
            } catch (IOException | IllegalStateException e) {
                why = "cannot mount a small tmpfs here (needs root with mount permission): " + e.getMessage();
            }
        }
        return why;
    }

    /** Mounts a tmpfs of {@code bytes} on {@code dir} (created when missing), writable. */
    public static SmallFileSystem mount(Path dir, long bytes) throws IOException {
        Files.createDirectories(dir);
        run("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", dir.toString());
        return new SmallFileSystem(dir);
    }

    public Path root() {
        return root;
    }

    /** From now on every write fails with {@code Read-only file system}; what is there stays readable. */
    public void readOnly() {
        run("mount", "-o", "remount,ro", root.toString());
    }

    /** Unmounts it; what was written there is gone. */
    @Override
    public void close() {
        run("umount", "-l", root.toString());
    }

    private static void run(String... command) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
