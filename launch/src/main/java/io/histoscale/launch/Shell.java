package io.histoscale.launch;

import io.histoscale.core.UserException;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a scheduler command (sbatch, scontrol, …) found on the search path and returns what it printed. */
final class Shell {

    /** Exit status and output of a finished command. */
    record Result(int status, String out, String err) {
        boolean ok() {
            return status == 0;
        }
    }

    private Shell() {
    }

    /**
     * The directories searched for scheduler commands: the system property {@code histoscale.slurm.path} when set (so a
     * test can hide sbatch), else {@code PATH}.
     */
    static String searchPath() {
        String override = System.getProperty("histoscale.slurm.path");
        return override != null ? override : System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    }

    /** The executable {@code name} on the search path, or null. */
    static Path find(String name) {
        for (String dir : searchPath().split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** A Slurm client command missing here: the {@code executor} setting's problem. */
    static UserException notFound(String command) {
        return UserException.forKey("executor", "slurm needs the Slurm client commands, and " + command + " is not on"
                + " the search path: install them (Debian: slurm-client; or start a test cluster with"
                + " scripts/slurm-local.sh start), or run with the local executor");
    }

    static Result run(List<String> command) {
        Path exe = find(command.get(0));
        if (exe == null) {
            throw notFound(command.get(0));
        }
        List<String> argv = new ArrayList<>(command);
        argv.set(0, exe.toString());
        try {
            Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            String out = read(p.getInputStream());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new UserException(String.join(" ", command) + " did not answer in 60 s; is slurmctld running?");
            }
            return new Result(p.exitValue(), out, err.join());
        } catch (IOException e) {
            throw new UserException("cannot run " + exe + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while running " + String.join(" ", command));
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
