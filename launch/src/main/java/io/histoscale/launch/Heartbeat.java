package io.histoscale.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running run's sign of life: a file in the run's folder whose modification time a daemon thread of the run's
 * process sets every {@link #PERIOD}. A process killed with SIGKILL (or by the kernel's out-of-memory killer, or
 * with its node) records nothing; its last beat says when it died, to within the period, for {@link RunTracker} to
 * record as its end. Setting a file's time is one system call: cheap even on a network file system.
 *
 * <p>A heartbeat that cannot be written (a read-only folder) stops quietly: it must never fail the run.
 */
public final class Heartbeat implements AutoCloseable {

    /** Time between beats, and so the precision of the end recorded for a process that died. */
    public static final Duration PERIOD = Duration.ofSeconds(2);

    private final ScheduledExecutorService timer;

    private Heartbeat(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** The heartbeat file of task {@code task} (0 for a run without tasks) in the run's folder. */
    public static Path file(Path runFolder, int task) {
        return runFolder.resolve("heartbeat-" + task);
    }

    /** Beats now and every {@link #PERIOD} until closed (or until the file cannot be written). */
    public static Heartbeat start(Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) Files.createFile(file);
            beat(file);
        } catch (IOException e) {
            return new Heartbeat(null);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "histoscale-heartbeat");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> {
            try {
                beat(file);
            } catch (IOException e) {
                timer.shutdown();
            }
        }, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return new Heartbeat(timer);
    }

    /** The time of the last beat written to {@code file}, if there is one. */
    public static Optional<Instant> last(Path file) {
        try {
            return Optional.of(Files.getLastModifiedTime(file).toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void beat(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
    }

    /** Stops beating; the file keeps the time of the last beat. */
    @Override
    public void close() {
        if (timer != null) timer.shutdownNow();
    }
}
