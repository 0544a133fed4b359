package io.histoscale.bench.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's reference: the same training in plain PyTorch ({@code torch_train_bench.py}, run by Debian's
 * {@code python3-torch}), kept alive in a child process so that its timings can alternate with ours.
 */
final class TorchPeer implements AutoCloseable {

    static final String PYTHON = "/usr/bin/python3";

    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final Path script;
    private final Path errors;
    private final JsonNode setup;

    private TorchPeer(List<String> args) throws IOException {
        script = Files.createTempFile("histoscale-torch-bench", ".py");
        errors = Files.createTempFile("histoscale-torch-bench", ".err");
        try (InputStream resource = TorchPeer.class.getResourceAsStream("torch_train_bench.py")) {
            Files.copy(resource, script, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString()));
        command.addAll(args);
        process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        setup = readLine();
        if (setup.has("error")) {
            throw new IOException(setup.get("error").asText());
        }
    }

    /**
     * Starts the peer with the script's command-line arguments.
     *
     * @throws IOException when Python or its torch package is missing, or the script fails; the message says which
     */
    static TorchPeer start(List<String> args) throws IOException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            throw new IOException(PYTHON + " not found: install it with apt-get install python3-torch");
        }
        return new TorchPeer(args);
    }

    /** What the peer reported at start: torch version, threads, device, parameter count. */
    JsonNode setup() {
        return setup;
    }

    /** Trains {@code steps} steps in the peer and returns its images per second. */
    double run(int steps) throws IOException {
        in.write("run " + steps + "\n");
        in.flush();
        return readLine().get("images_per_s").asDouble();
    }

    private JsonNode readLine() throws IOException {
        String line = out.readLine();
        if (line == null) {
            String stderr = Files.readString(errors);
            String hint = stderr.contains("No module named 'torch'")
                    ? "Debian's python3-torch is not installed (apt-get install python3-torch)"
                    : "the PyTorch peer failed: " + lastLines(stderr, 5);
            throw new IOException(hint);
        }
        return Json.MAPPER.readTree(line);
    }

    private static String lastLines(String text, int n) {
        String[] lines = text.strip().split("\n");
        return String.join(" | ", Arrays.copyOfRange(lines, Math.max(0, lines.length - n), lines.length));
    }

    @Override
    public void close() {
        try {
            in.write("quit\n");
            in.flush();
        } catch (IOException e) {
            // the peer has already gone; nothing to tell it
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(script);
            Files.deleteIfExists(errors);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
