package io.histoscale.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.histoscale.core.Json;
import io.histoscale.dataset.GroupBy;
import io.histoscale.testkit.SyntheticPatches;
import io.histoscale.train.checkpoint.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run killed (a child JVM destroyed forcibly) in its second epoch and resumed from a checkpoint within that epoch
 * ends with the same weights and optimiser state, bit for bit, as the same run never interrupted.
 */
class ResumeTest {

    @TempDir
    static Path tmp;

    @BeforeAll
    static void createStore() {
        SyntheticPatches.builder().slides(4).perSlide(30).size(16).seed(2).write(tmp.resolve("store"));
    }

    /** The run both ways: small network, Adam, one PyTorch thread, checkpoints within epochs every 60 ms. */
    static TrainConfig config() {
        return TrainConfig.builder().setModel("small").optEpochs(3).optBatchSize(8).optStepsPerEpoch(30)
                .optLearningRate(2e-3)
                .optWarmupEpochs(1).optGroupBy(GroupBy.SLIDE).optValFraction(0.25).optThreads(1).optWorkers(2)
                .optSeed(11).optCheckpointMinutes(0.001).build();
    }

    @Test
    void resumingAfterKillGivesIdenticalWeights() throws Exception {
        Path whole = tmp.resolve("whole");
        Path killed = tmp.resolve("killed");
        assertThat(runChild("start", whole, -1).exitValue()).isZero();

        runChild("start", killed, 1);
        ObjectNode atKill = (ObjectNode) Checkpoint.read(killed.resolve(RunFolder.LAST)).header();
        assertThat(atKill.get("epoch").asInt()).isEqualTo(1);
        assertThat(atKill.get("step").asInt()).isPositive();

        assertThat(runChild("resume", killed, -1).exitValue()).isZero();
        for (String file : List.of(RunFolder.LAST, RunFolder.BEST)) {
            Checkpoint a = Checkpoint.read(whole.resolve(file));
            Checkpoint b = Checkpoint.read(killed.resolve(file));
            assertThat(b.sections()).isEqualTo(a.sections());
            for (String section : a.sections()) {
                assertThat(b.section(section)).as(file + " " + section).isEqualTo(a.section(section));
            }
        }
        assertThat(withoutTimes(killed.resolve(RunFolder.METRICS)))
                .isEqualTo(withoutTimes(whole.resolve(RunFolder.METRICS)));
    }

    /** Metrics lines without the fields that measure time. */
    private static List<String> withoutTimes(Path metrics) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            ObjectNode node = (ObjectNode) Json.MAPPER.readTree(line);
            node.remove(List.of("imagesPerSecond", "seconds"));
            lines.add(node.toString());
        }
        assertThat(lines).hasSize(3);
        return lines;
    }

    /**
     * Runs the training in a child JVM; with {@code killAfterEpoch} >= 0, destroys it forcibly as soon as it has
     * written a checkpoint within the next epoch.
     */
    private static Process runChild(String mode, Path runDir, int killAfterEpoch) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(java, "-Dai.djl.offline=true", "-cp", classPath, ResumeTest.class.getName(),
                mode, tmp.resolve("store").toString(), runDir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.equals("EPOCH " + killAfterEpoch)) {
                    Path last = runDir.resolve(RunFolder.LAST);
                    while (Checkpoint.read(last).header().get("step").asInt() == 0) {
                        Thread.sleep(5);
                    }
                    child.destroyForcibly();
                    break;
                }
            }
        }
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return child;
    }

    /** The child: {@code start|resume STORE RUN_DIR}; prints "EPOCH n" as each epoch ends. */
    public static void main(String[] args) {
        TrainListener listener = new TrainListener() {
            @Override
            public void epochFinished(EpochMetrics metrics) {
                System.out.println("EPOCH " + metrics.epoch());
                System.out.flush();
            }
        };
        if (args[0].equals("start")) {
            Training.start(TrainRequest.builder(config(), Path.of(args[1]), Path.of(args[2])).optListener(listener)
                    .build());
        } else {
            Training.resume(Path.of(args[2]), null, listener);
        }
        System.exit(0);
    }
}
