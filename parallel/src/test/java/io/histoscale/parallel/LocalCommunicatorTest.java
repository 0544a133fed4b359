package io.histoscale.parallel;

import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalCommunicatorTest {

    @Test
    void threeRanksAllreduceBroadcastAndGather() {
        List<float[]> sums = onRanks(3, world -> {
            FloatBuffer values = direct(1001);
            for (int i = 0; i < 1001; i++) {
                values.put(i, (world.rank() + 1) * i);
            }
            world.allreduceSum(values);
            float[] out = new float[1001];
            values.get(0, out);
            return out;
        });
        for (float[] sum : sums) {
            for (int i = 0; i < 1001; i++) {
                assertThat(sum[i]).isEqualTo(6f * i);
            }
        }
        assertThat(sums.get(1)).isEqualTo(sums.get(0)).isEqualTo(sums.get(2));

        List<float[]> means = onRanks(2, world -> {
            FloatBuffer values = direct(4);
            values.put(0, new float[] {world.rank(), 2, 4, 8 * world.rank()});
            world.allreduceAverage(values);
            float[] out = new float[4];
            values.get(0, out);
            return out;
        });
        assertThat(means.get(0)).containsExactly(0.5f, 2f, 4f, 4f);

        List<float[]> broadcast = onRanks(3, world -> {
            FloatBuffer values = direct(3);
            values.put(0, new float[] {world.rank(), world.rank(), world.rank()});
            world.broadcast(values, 2);
            float[] out = new float[3];
            values.get(0, out);
            return out;
        });
        broadcast.forEach(b -> assertThat(b).containsExactly(2f, 2f, 2f));

        List<float[]> gathered = onRanks(3, world -> {
            double[] all = world.allgather(new double[] {world.rank(), 10 * world.rank()});
            float[] out = new float[all.length];
            for (int i = 0; i < all.length; i++) {
                out[i] = (float) all[i];
            }
            return out;
        });
        gathered.forEach(g -> assertThat(g).containsExactly(0f, 0f, 1f, 10f, 2f, 20f));
    }

    @Test
    void anAbortedRankReleasesTheOthers() {
        List<Communicator> ranks = LocalCommunicator.group(2);
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> ranks.get(1).barrier());
        // abort until the waiting rank has been released (it may not have reached the barrier at the first try)
        for (int i = 0; i < 500 && !waiting.isDone(); i++) {
            ranks.get(0).abort(1);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        assertThatThrownBy(waiting::join).hasMessageContaining("aborted");
    }

    @Test
    void aMissingProgramNamesThePackagesToInstall() {
        assertThatThrownBy(() -> MpiLaunch.which("histoscale-no-such-mpirun"))
                .isInstanceOf(UserException.class).hasMessageContaining("apt-get install -y openmpi-bin");
    }

    static FloatBuffer direct(int n) {
        return ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    static List<float[]> onRanks(int n, Function<Communicator, float[]> body) {
        List<CompletableFuture<float[]>> futures = new ArrayList<>();
        for (Communicator c : LocalCommunicator.group(n)) {
            futures.add(CompletableFuture.supplyAsync(() -> body.apply(c)));
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }
}
