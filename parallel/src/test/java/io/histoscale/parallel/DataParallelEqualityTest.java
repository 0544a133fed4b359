package io.histoscale.parallel;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The must-show: {@code mpirun -np 2} training for k steps gives the weights of one process with twice the
 * batch on the same data order, and the ranks stay identical after every step (the worker checks checksums of both
 * replicas after each step and fails otherwise).
 *
 * <p>Batch normalisation is left out on purpose here: with it, each rank normalises by its own half-batch's
 * statistics, so 2 × B is a different computation from 1 × 2B, not a rounding difference. The network is a small
 * conv-ReLU net without it; {@link DataParallelTrainingTest} covers the full trainer with batch norm.
 */
@Tag("mpi")
class DataParallelEqualityTest {

    static final int GLOBAL_BATCH = 16;
    static final int STEPS = 6;
    /** Float tolerance: the two processes sum the batch's gradients in a different order. */
    static final double TOLERANCE = 1e-5;

    @TempDir
    Path tmp;

    @Test
    void twoMpiRanksEqualOneProcessWithTwiceTheBatch() throws Exception {
        Path initial = tmp.resolve("initial.bin");
        Path single = tmp.resolve("single.bin");
        Path twoRanks = tmp.resolve("two.bin");
        Path unaveraged = tmp.resolve("unaveraged.bin");
        run(1, initial, 0, "average");
        run(1, single, STEPS, "average");
        run(2, twoRanks, STEPS, "average");
        run(2, unaveraged, STEPS, "none");

        float[] w0 = EqualityWorker.FlatParamsFile.read(initial);
        float[] w1 = EqualityWorker.FlatParamsFile.read(single);
        float[] w2 = EqualityWorker.FlatParamsFile.read(twoRanks);
        float[] control = EqualityWorker.FlatParamsFile.read(unaveraged);
        double moved = maxDiff(w0, w1);
        double diff = maxDiff(w1, w2);
        double controlDiff = maxDiff(w1, control);
        System.out.printf("weights moved up to %.3g in %d steps; 2 ranks vs 1 process: max |Δ| %.3g; "
                + "without averaging: %.3g%n", moved, STEPS, diff, controlDiff);
        assertThat(moved).isGreaterThan(1e-2);
        assertThat(diff).isLessThan(TOLERANCE);
        // the comparison can fail: rank 0 training on its half alone ends far outside the tolerance
        assertThat(controlDiff).isGreaterThan(100 * TOLERANCE);
    }

    private void run(int ranks, Path out, int steps, String mode) {
        List<String> args = List.of(out.toString(), Integer.toString(GLOBAL_BATCH), Integer.toString(steps), "0.05",
                mode);
        List<String> command = ranks == 1
                ? new ArrayList<>(MpiLaunch.java(List.of("-Dai.djl.offline=true")))
                : MpiLaunch.mpirunJava(ranks, List.of("-Dai.djl.offline=true"), EqualityWorker.class.getName(), args);
        if (ranks == 1) {
            command.add(EqualityWorker.class.getName());
            command.addAll(args);
        }
        MpiLaunch.run(command);
    }

    static double maxDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
