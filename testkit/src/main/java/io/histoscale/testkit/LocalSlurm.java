package io.histoscale.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one-node Slurm cluster of {@code scripts/slurm-local.sh}, for tests: {@link #start()} starts it or joins the
 * running one, {@link #close()} stops it unless another process still holds it.
 */
public final class LocalSlurm implements AutoCloseable {

    private final Path script;

    private LocalSlurm(Path script) {
        this.script = script;
    }

    /** Why this machine cannot run the test cluster, or null when it can. */
    public static String whyUnavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "the local Slurm cluster needs root (slurmd runs jobs as their users); run the tests as root";
        }
        if (script() == null) return "scripts/slurm-local.sh not found above " + System.getProperty("user.dir");
        boolean installed = Files.isExecutable(Path.of("/usr/sbin/slurmctld")) && Files.isExecutable(Path.of("/usr/sbin/slurmd"))
                && Files.isExecutable(Path.of("/usr/sbin/munged"));
        if (!installed && !onPath("apt-get")) {
            return "slurmctld, slurmd and munge are not installed and there is no apt-get to install them";
        }
        return null;
    }

    /** Starts the cluster (installing Slurm from Debian when missing) and waits until its node is idle. */
    public static LocalSlurm start() {
        String why = whyUnavailable();
        if (why != null) throw new IllegalStateException(why);
        LocalSlurm slurm = new LocalSlurm(script());
        slurm.run("start");
        return slurm;
    }

    /** Stops the cluster unless another process still uses it; leaves nothing of ours running. */
    @Override
    public void close() {
        run("stop");
    }

    private void run(String command) {
        try {
            Process p = new ProcessBuilder(List.of("bash", script.toString(), command, "--for",
                    Long.toString(ProcessHandle.current().pid()))).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("slurm-local.sh " + command + " failed:\n" + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** scripts/slurm-local.sh of this checkout: under histoscale.root, or the first parent of the working folder. */
    static Path script() {
        String root = System.getProperty("histoscale.root");
        if (root != null && Files.exists(Path.of(root, "scripts/slurm-local.sh"))) return Path.of(root, "scripts/slurm-local.sh");
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path s = dir.resolve("scripts/slurm-local.sh");
            if (Files.exists(s)) return s;
        }
        return null;
    }

    private static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
