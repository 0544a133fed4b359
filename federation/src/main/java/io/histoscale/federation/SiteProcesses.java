package io.histoscale.federation;

import io.histoscale.federation.site.SiteMain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Site processes on this machine, each a separate JVM running {@link SiteMain} on this process's class path: for
 * experiments, the benchmark and tests that need real, separate sites. Each process's output goes to
 * {@code <site out>/site.log}.
 */
public final class SiteProcesses implements AutoCloseable {

    private final List<Process> processes = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    /** Starts a site process. */
    public Process start(SiteMain.Options options) {
        try {
            Files.createDirectories(options.out());
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx1g", "-Dai.djl.offline=true", "-Djava.awt.headless=true",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-cp", System.getProperty("java.class.path"), SiteMain.class.getName()));
            command.addAll(options.toArgs());
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(options.out().resolve("site.log").toFile()).start();
            processes.add(p);
            names.add(options.name());
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start site " + options.name() + ": " + e.getMessage(), e);
        }
    }

    /** Waits for every process to end (they do once the coordinator says stop); returns their exit codes. */
    public List<Integer> await(long seconds) {
        List<Integer> codes = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (Process p : processes) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                codes.add(p.waitFor(left, TimeUnit.NANOSECONDS) ? p.exitValue() : null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                codes.add(null);
            }
        }
        return codes;
    }

    /** Kills the processes still running (only those this object started). */
    @Override
    public void close() {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
