package io.histoscale.dataset.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.histoscale.UserException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
        if (!Files.isExecutable(PYTHON)) {
            throw new UserException(PYTHON + " not found: install Debian's " + packages + " (apt-get install " + packages + ")");
        }
        Path copy = null;
        try {
            copy = Files.createTempFile("histoscale-peer", ".py");
            try (InputStream in = owner.getResourceAsStream(script)) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            List<String> command = new ArrayList<>(List.of(PYTHON.toString(), copy.toString()));
            command.addAll(Arrays.asList(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new UserException("the peer " + script + " failed (are " + packages + " installed?):\n" + out.strip());
            }
            String[] lines = out.strip().split("\n");
            return new ObjectMapper().readTree(lines[lines.length - 1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the peer " + script + " ran", e);
        } finally {
            if (copy != null) copy.toFile().delete();
        }
    }

    /** Median of rounds: the figure both sides are compared by on a shared, noisy machine. */
    public static double median(double[] rounds) {
        double[] s = rounds.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
