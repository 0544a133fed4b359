package io.histoscale.bench.parallel;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import io.histoscale.bench.Peers;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.parallel.Communicator;
import io.histoscale.parallel.MpiCommunicator;
import io.histoscale.parallel.MpiLaunch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code histoscale bench allreduce}: bandwidth of our Java allreduce ({@link MpiCommunicator}, JNA) against a C loop
 * of MPI_Allreduce compiled with {@code mpicc} from this module's own source ({@code allreduce_bench.c}) during the
 * benchmark. Both run in the same {@code mpirun} ranks on the same buffer, in alternating rounds (the Java ranks call
 * the C loop as a shared library between their own loops), so load from other processes hits both alike; the C
 * program is also run once on its own, as a check that calling it from Java does not slow it.
 *
 * <p>Bandwidth is algorithm bandwidth, bytes of the buffer ÷ seconds per allreduce (for 2 ranks equal to NCCL's
 * "bus bandwidth", which multiplies by 2(n−1)/n).
 */
public final class AllreduceBench {

    /** ResNet-18's gradients as the issue counts them: 11.7 M floats. */
    public static final int RESNET18_FLOATS = 11_700_000;
    private static final String SOURCE = "allreduce_bench.c";
    /** Allreduces per side before timing: lets the JVM finish compiling, so its compiler threads do not compete. */
    private static final int WARMUP = 30;

    private AllreduceBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param floats      floats per allreduce
     * @param ranks       MPI ranks
     * @param iterations  timed allreduces per round and side
     * @param rounds      alternating rounds per side (the medians are compared)
     * @param bucketBytes bytes per MPI_Allreduce call, on both sides
     */
    public static Map<String, Object> run(int floats, int ranks, int iterations, int rounds, long bucketBytes) {
        Path work;
        try {
            work = Files.createTempDirectory("histoscale-allreduce");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path library = compile(work, true);
            Path program = compile(work, false);
            String out = MpiLaunch.run(MpiLaunch.mpirunJava(ranks, Worker.class.getName(), List.of(
                    library.toString(), Integer.toString(floats), Integer.toString(iterations),
                    Integer.toString(rounds), Long.toString(bucketBytes))));
            JsonNode json = lastJson(out, "{\"ours\"");
            List<Double> ours = new ArrayList<>();
            List<Double> theirs = new ArrayList<>();
            json.get("ours").forEach(v -> ours.add(v.asDouble()));
            json.get("peer").forEach(v -> theirs.add(v.asDouble()));
            List<String> standalone = MpiLaunch.mpirun(ranks);
            standalone.addAll(List.of(program.toString(), Integer.toString(floats), Integer.toString(iterations),
                    Integer.toString(WARMUP), Long.toString(bucketBytes / Float.BYTES)));
            double alone = lastJson(MpiLaunch.run(standalone), "{\"seconds\"").get("seconds").asDouble();

            double bytes = (double) floats * Float.BYTES;
            double oursGbps = bytes / median(ours) / 1e9;
            double peerGbps = bytes / median(theirs) / 1e9;
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("benchmark", "allreduce");
            result.put("ours", round(oursGbps));
            result.put("peer", round(peerGbps));
            result.put("unit", "GB/s (buffer bytes / seconds per in-place float sum allreduce; median of rounds); "
                    + "ratio: median over rounds of ours / peer");
            // rounds are paired (same ranks, back to back): the median of the per-round ratios is robust to load
            List<Double> paired = new ArrayList<>();
            for (int i = 0; i < ours.size(); i++) {
                paired.add(theirs.get(i) / ours.get(i));
            }
            result.put("ratio", round(median(paired)));
            result.put("ratio_of_medians", round(oursGbps / peerGbps));
            result.put("goal", 0.95);
            result.put("floats", floats);
            result.put("megabytes", round(bytes / 1e6));
            result.put("ranks", ranks);
            result.put("bucket_bytes", bucketBytes);
            result.put("iterations_per_round", iterations);
            result.put("ours_ms_per_round", ours.stream().map(s -> round(s * 1e3)).toList());
            result.put("peer_ms_per_round", theirs.stream().map(s -> round(s * 1e3)).toList());
            result.put("peer_standalone_GBps", round(bytes / alone / 1e9));
            result.put("ours_impl", "Java MpiCommunicator.allreduceSum: JNA direct mapping over libmpi.so.40, "
                    + "direct FloatBuffer");
            result.put("peer_impl", "C loop of MPI_Allreduce (" + SOURCE + ", mpicc -O2) in the same ranks, "
                    + "alternating with ours; standalone: the same C as its own program");
            result.put("mpi", MpiLaunch.run(List.of(MpiLaunch.which("mpirun"), "--version")).lines().findFirst()
                    .orElse("").strip());
            return result;
        } finally {
            Peers.deleteTree(work);
        }
    }

    /** Compiles the C peer with mpicc into {@code dir}: a shared library, or the standalone program. */
    static Path compile(Path dir, boolean library) {
        Path source = dir.resolve(SOURCE);
        if (!Files.exists(source)) {
            try (InputStream in = AllreduceBench.class.getResourceAsStream(SOURCE)) {
                Files.copy(in, source);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String mpicc;
        try {
            mpicc = MpiLaunch.which("mpicc");
        } catch (UserException e) {
            throw new UserException("mpicc not found: the C peer is compiled during the benchmark; install "
                    + "libopenmpi-dev and gcc (sudo apt-get install -y libopenmpi-dev gcc)");
        }
        Path binary = dir.resolve(library ? "liballreduce_bench.so" : "allreduce_bench");
        List<String> command = new ArrayList<>(List.of(mpicc, "-O2"));
        command.addAll(library ? List.of("-shared", "-fPIC") : List.of("-DHS_MAIN"));
        command.addAll(List.of("-o", binary.toString(), source.toString()));
        MpiLaunch.run(command);
        return binary;
    }

    private static JsonNode lastJson(String out, String prefix) {
        JsonNode found = null;
        for (String line : out.lines().toList()) {
            if (line.startsWith(prefix)) {
                try {
                    found = Json.MAPPER.readTree(line);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        if (found == null) {
            throw new IllegalStateException("no result in the benchmark's output:\n" + out);
        }
        return found;
    }

    private static double median(List<Double> values) {
        return Peers.median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** The C loop, bound from the peer's shared library. */
    private static final class CLoop {
        static native double hs_allreduce_seconds(Pointer values, long n, int iterations, long bucket);
    }

    /**
     * Both sides in the ranks of one mpirun: {@code LIBRARY FLOATS ITERATIONS ROUNDS BUCKET_BYTES}. Rank 0 prints
     * {@code {"ours": [...], "peer": [...]}}, seconds per allreduce of the slowest rank in each round.
     */
    public static final class Worker {
        public static void main(String[] args) {
            int n = Integer.parseInt(args[1]);
            int iterations = Integer.parseInt(args[2]);
            int rounds = Integer.parseInt(args[3]);
            long bucketBytes = Long.parseLong(args[4]);
            try (Communicator world = MpiCommunicator.open(bucketBytes)) {
                Native.register(CLoop.class, NativeLibrary.getInstance(args[0]));
                // 64-byte aligned, as C's posix_memalign would give
                FloatBuffer values = ByteBuffer.allocateDirect(n * Float.BYTES + 64).alignedSlice(64)
                        .order(ByteOrder.nativeOrder()).asFloatBuffer().limit(n);
                Pointer address = Native.getDirectBufferPointer(values);
                float fill = (world.rank() + 1) * 1e-3f;
                for (int i = 0; i < n; i++) {
                    values.put(i, fill);
                }
                long bucketFloats = bucketBytes / Float.BYTES;
                for (int i = 0; i < WARMUP; i++) {
                    world.allreduceSum(values);
                }
                CLoop.hs_allreduce_seconds(address, n, WARMUP, bucketFloats);
                StringBuilder ours = new StringBuilder();
                StringBuilder peer = new StringBuilder();
                for (int round = 0; round < rounds; round++) {
                    // alternate which side goes first, so neither always follows the other
                    double java = 0;
                    double c = 0;
                    for (int side = 0; side < 2; side++) {
                        if ((side + round) % 2 == 0) {
                            world.barrier();
                            long start = System.nanoTime();
                            for (int i = 0; i < iterations; i++) {
                                world.allreduceSum(values);
                            }
                            java = slowest(world, (System.nanoTime() - start) / 1e9 / iterations);
                        } else {
                            c = slowest(world, CLoop.hs_allreduce_seconds(address, n, iterations, bucketFloats));
                        }
                    }
                    ours.append(round == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.9f", java));
                    peer.append(round == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.9f", c));
                }
                if (world.rank() == 0) {
                    System.out.println("{\"ours\": [" + ours + "], \"peer\": [" + peer + "]}");
                }
            }
        }

        private static double slowest(Communicator world, double seconds) {
            return Arrays.stream(world.allgather(new double[] {seconds})).max().orElseThrow();
        }
    }
}
