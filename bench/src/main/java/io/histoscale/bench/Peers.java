package io.histoscale.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** What benchmarks share when they measure HistoScale against a peer in the same run. */
public final class Peers {
    /** Debian's Python, where python3-openslide, python3-pil and python3-torch install (not a pyenv shim). */
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private Peers() {
    }

    /**
     * Runs a Python peer script shipped as a class-path resource and returns the JSON object on its last line.
     *
     * @param owner    class whose package holds the script
     * @param script   resource name of the script
     * @param packages Debian packages the script needs, named in the error when it fails
     */
    public static JsonNode runPython(Class<?> owner, String script, String packages, String... args) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("histoscale-peer");
            return runScript(copyScript(owner, script, dir), packages, args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(dir);
        }
    }

    /** Copies the class-path resource {@code name} of {@code owner}'s package into {@code dir}; returns the copy. */
    public static Path copyScript(Class<?> owner, String name, Path dir) throws IOException {
        Path copy = dir.resolve(Path.of(name).getFileName().toString());
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " is missing from the class path of " + owner);
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        return copy;
    }

    /**
     * Runs a Python script in its own folder (so it can import scripts copied beside it) and returns the JSON object
     * on its last line.
     *
     * @param packages Debian packages the script needs, named in the error when it fails
     */
    public static JsonNode runScript(Path script, String packages, String... args) {
        return runScript(PYTHON, script, packages, args);
    }

    /** {@link #runScript(Path, String, String...)} with another Python, such as a {@link #peerPython} venv's. */
    public static JsonNode runScript(Path python, Path script, String packages, String... args) {
        if (!Files.isExecutable(python)) {
            throw new UserException(python + " not found: install Debian's " + packages + " (apt-get install " + packages + ")");
        }
        List<String> command = new ArrayList<>(List.of(python.toString(), script.toString()));
        command.addAll(Arrays.asList(args));
        try {
            Process p = new ProcessBuilder(command).directory(script.getParent().toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new UserException("the peer " + script.getFileName() + " failed (are " + packages
                        + " installed?):\n" + out.strip());
            }
            String[] lines = out.strip().split("\n");
            return Json.MAPPER.readTree(lines[lines.length - 1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the peer " + script.getFileName() + " ran", e);
        }
    }

    /** A Python a peer runs with, and what it offers: "optuna 5.0.0 (venv)". */
    public record Python(Path executable, String label) {
    }

    /** The project's root (the launcher's {@code histoscale.root}; else the working directory). */
    public static Path root() {
        return Path.of(System.getProperty("histoscale.root", System.getProperty("user.dir"))).toAbsolutePath();
    }

    /** The peers' virtual environment: {@code ROOT/.histoscale-build/peer-venv}. */
    public static Path venv(Path root) {
        return root.resolve(".histoscale-build").resolve("peer-venv");
    }

    /**
     * The newest Python peer for {@code module}: the peers' venv under {@code root} when it imports the module, else
     * (with {@code install}) the venv created with {@code /usr/bin/python3 -m venv} or completed with
     * {@code pip install pipPackage} (pip's own index, as /etc/pip.conf configures it), else Debian's python3 when it
     * imports the module. Idempotent: a working venv is reused as it is.
     *
     * @param debianPackage the Debian package of the fallback, named in the error when nothing imports the module
     * @throws UserException when no Python here imports the module
     */
    public static Python peerPython(Path root, String module, String pipPackage, String debianPackage, boolean install,
                                    PrintStream progress) {
        Path dir = venv(root.toAbsolutePath().normalize());
        Path python = dir.resolve("bin").resolve("python");
        String version = Files.isExecutable(python) ? version(python, module) : null;
        if (version == null && install) {
            progress.println("peer: preparing " + dir + " with pip install " + pipPackage + " (once)");
            boolean ok = (Files.isExecutable(python) || quietly(progress, PYTHON.toString(), "-m", "venv", dir.toString()))
                    && quietly(progress, python.toString(), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    pipPackage);
            version = ok ? version(python, module) : null;
            if (version == null) progress.println("peer: the venv has no " + module + "; trying Debian's " + debianPackage);
        }
        if (version != null) return new Python(python, module + " " + version + " (venv)");
        String debian = version(PYTHON, module);
        if (debian != null) return new Python(PYTHON, module + " " + debian + " (Debian)");
        throw new UserException("no Python here imports " + module + ": install Debian's python3-venv (for a venv with "
                + "pip's " + pipPackage + ") or " + debianPackage + " (apt-get install " + debianPackage + ")");
    }

    /** {@code module.__version__} as {@code python} imports it, or null when it cannot. */
    static String version(Path python, String module) {
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", "import " + module + "; print(" + module
                    + ".__version__)").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 && !out.isEmpty() ? out.lines().reduce((a, b) -> b).orElse(out) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Runs a set-up command, its output kept for the failure's message on {@code progress}; whether it worked. */
    private static boolean quietly(PrintStream progress, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() == 0) return true;
            String[] lines = out.strip().split("\n");
            progress.println("peer: " + String.join(" ", command) + " failed: "
                    + String.join("\n", Arrays.asList(lines).subList(Math.max(0, lines.length - 5), lines.length)));
            return false;
        } catch (IOException e) {
            progress.println("peer: " + command[0] + ": " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Deletes a benchmark's temporary folder and all in it; one left behind (or none given) is no error. */
    public static void deleteTree(Path dir) {
        if (dir == null) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }

    /** Median of rounds: the figure both sides are compared by on a shared, noisy machine. */
    public static double median(double[] rounds) {
        double[] s = rounds.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
