package io.histoscale.parallel;

import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.testkit.SyntheticPatches;
import io.histoscale.train.ProcessGroup;
import io.histoscale.train.checkpoint.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real trainer ({@code Training.start}) on 2 Open MPI ranks: the replicas stay bit-identical after every step
 * (checked by {@code histoscale.parallel.verify}: a rank that differs fails the run), the result is that of one
 * process with twice the batch and twice the learning rate (linear scaling) up to batch norm's per-rank statistics,
 * and a run killed on 2 ranks resumes on 1.
 */
@Tag("mpi")
class DataParallelTrainingTest {

    @TempDir
    static Path tmp;

    @BeforeAll
    static void createStore() {
        SyntheticPatches.builder().slides(4).perSlide(96).size(32).seed(3).write(tmp.resolve("store"));
    }

    @Test
    void twoRanksTrainLikeOneProcessWithTwiceTheBatch() throws Exception {
        Path two = tmp.resolve("two");
        Path one = tmp.resolve("one");
        assertThat(run(2, List.of("start", store(), two.toString(), "16", "0.02", "0"), -1).exitValue()).isZero();
        assertThat(run(1, List.of("start", store(), one.toString(), "32", "0.04", "0"), -1).exitValue()).isZero();

        Checkpoint a = Checkpoint.read(two.resolve("last.ckpt"));
        Checkpoint b = Checkpoint.read(one.resolve("last.ckpt"));
        assertThat(a.header().get("globalStep").asLong()).isEqualTo(b.header().get("globalStep").asLong())
                .isEqualTo(18);
        float[] w2 = floats(a.section("parameters"));
        float[] w1 = floats(b.section("parameters"));
        double diff = distance(w2, w1) / norm(w1);
        System.out.printf("trainer, batch-norm net, 18 steps: |w(2 ranks x 16) - w(1 x 32)| / |w| = %.4f%n", diff);
        // Not float-exact: each rank normalises by its half batch's statistics (DataParallelEqualityTest shows
        // exactness without batch norm); stated tolerance 2 % of the weights' norm.
        assertThat(diff).isLessThan(0.02);
        assertThat(Files.readAllLines(two.resolve("metrics.jsonl"))).hasSize(2);
    }

    static double distance(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    static double norm(float[] a) {
        return distance(a, new float[a.length]);
    }

    @Test
    void aRunKilledOnTwoRanksResumesOnOne() throws Exception {
        Path run = tmp.resolve("killed");
        run(2, List.of("start", store(), run.toString(), "8", "0.02", "60"), 1);
        JsonNode atKill = Checkpoint.read(run.resolve("last.ckpt")).header();
        assertThat(atKill.get("epoch").asInt()).isEqualTo(1);
        assertThat(atKill.get("ranks").asInt()).isEqualTo(2);
        int stepAtKill = atKill.get("step").asInt();
        assertThat(stepAtKill).isPositive();

        assertThat(run(1, List.of("resume", store(), run.toString()), -1).exitValue()).isZero();
        JsonNode done = Checkpoint.read(run.resolve("last.ckpt")).header();
        assertThat(done.get("finished").asBoolean()).isTrue();
        assertThat(done.get("ranks").asInt()).isEqualTo(1);
        // one rank takes global batches of 8 instead of 16: twice the steps per epoch
        List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertThat(metrics).hasSize(2);
    }

    private static String store() {
        return tmp.resolve("store").toString();
    }

    private static float[] floats(FloatBuffer buffer) {
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return values;
    }

    /**
     * Runs {@link TrainingWorker} on {@code ranks} ranks (mpirun for more than one); with {@code killAfterEpoch} >= 0
     * kills it as soon as a checkpoint within the next epoch exists.
     */
    private static Process run(int ranks, List<String> args, int killAfterEpoch) throws Exception {
        List<String> jvm = List.of("-Dai.djl.offline=true", "-D" + ProcessGroup.VERIFY_PROPERTY + "=true");
        List<String> command;
        if (ranks > 1) {
            command = MpiLaunch.mpirunJava(ranks, jvm, TrainingWorker.class.getName(), args);
        } else {
            command = new ArrayList<>(MpiLaunch.java(jvm));
            command.add(TrainingWorker.class.getName());
            command.addAll(args);
        }
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            for (String line; (line = out.readLine()) != null; ) {
                System.out.println(line);
                if (line.equals("EPOCH " + killAfterEpoch)) {
                    Path last = Path.of(args.get(2)).resolve("last.ckpt");
                    while (Checkpoint.read(last).header().get("step").asInt() == 0) {
                        Thread.sleep(5);
                    }
                    child.destroy(); // mpirun passes SIGTERM on to its ranks
                    break;
                }
            }
        }
        assertThat(child.waitFor(180, TimeUnit.SECONDS)).isTrue();
        return child;
    }
}
