package io.histoscale.bench.parallel;

import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.bench.Peers;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.parallel.MpiLaunch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The scaling benchmark's peer: PyTorch DistributedDataParallel on this machine ({@code ddp_scaling_peer.py}, with
 * the network of the training benchmark's peer {@code torch_train_bench.py}), run by Debian's python3-torch.
 */
final class DdpPeer {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String SCRIPT = "ddp_scaling_peer.py";
    private static final String NETWORKS = "/io/histoscale/bench/train/torch_train_bench.py";
    private static String version = "?";

    private DdpPeer() {
    }

    /** Mean seconds per step of the slowest of {@code world} DDP processes, each with {@code batch} images. */
    static double step(String model, int size, int batch, int world, int steps, int warmup) {
        if (!Files.isExecutable(PYTHON)) {
            throw new UserException(PYTHON + " not found: the scaling peer needs Debian's python3-torch "
                    + "(apt-get install python3-torch)");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("histoscale-ddp");
            Peers.copyScript(DdpPeer.class, SCRIPT, dir);
            Peers.copyScript(DdpPeer.class, NETWORKS, dir);
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            String out = MpiLaunch.run(List.of(PYTHON.toString(), dir.resolve(SCRIPT).toString(), "--model", model,
                    "--size", Integer.toString(size), "--batch", Integer.toString(batch), "--world",
                    Integer.toString(world), "--steps", Integer.toString(steps), "--warmup", Integer.toString(warmup),
                    "--port", Integer.toString(port)));
            String[] lines = out.strip().split("\n");
            JsonNode json = Json.MAPPER.readTree(lines[lines.length - 1]);
            version = json.get("torch").asText();
            return json.get("step").asDouble();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Peers.deleteTree(dir);
        }
    }

    static String version() {
        return version;
    }
}
