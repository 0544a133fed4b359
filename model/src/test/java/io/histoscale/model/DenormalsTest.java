package io.histoscale.model;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DenormalsTest {

    private static final float DENORMAL = 1e-40f;

    @Test
    void pytorchTreatsDenormalsAsZeroOnlyOnThreadsThatAskedForIt() throws Exception {
        TorchEngine.get();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            float untouched = CompletableFuture.supplyAsync(DenormalsTest::timesOne, threads).get();
            Float flushed = CompletableFuture.supplyAsync(
                    () -> TorchEngine.flushDenormalsOnThisThread() ? timesOne() : null, threads).get();
            assertThat(untouched).isEqualTo(DENORMAL);
            assumeTrue(flushed != null, "not x86-64 Linux");
            assertThat(flushed).isZero();
        } finally {
            threads.shutdown();
        }
    }

    private static float timesOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            return m.create(new float[] {DENORMAL}).mul(1f).getFloat();
        }
    }
}
