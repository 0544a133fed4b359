package io.histoscale.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;

import java.io.IOException;
import java.io.InputStream;
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
        if (!Files.isExecutable(PYTHON)) {
            throw new UserException(PYTHON + " not found: install Debian's " + packages + " (apt-get install " + packages + ")");
        }
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
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
