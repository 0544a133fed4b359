package io.histoscale.slide;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.histoscale.slide.SlideTestData.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Several threads reading one slide get exactly what one thread gets, and closing waits for them. */
class ConcurrentReadTest {

    private static final int THREADS = 4;

    @ParameterizedTest
    @ValueSource(strings = {"openslide", "tiff"})
    void parallelReadsEqualSequentialReads(String backend) throws Exception {
        if (backend.equals("openslide")) {
            assumeOpenSlide();
        }
        try (Slide slide = Slides.open(sharedSlide(CMU_1), backend)) {
            Random random = new Random(42);
            List<Callable<Integer>> reads = new ArrayList<>();
            for (int i = 0; i < 160; i++) {
                long x = random.nextInt(2400) - 100;
                long y = random.nextInt(3100) - 100;
                reads.add(() -> Arrays.hashCode(rgb(slide.readRegion(0, x, y, 256, 256))));
            }
            List<Integer> sequential = new ArrayList<>();
            for (Callable<Integer> read : reads) {
                sequential.add(read.call());
            }
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Integer> parallel = new ArrayList<>();
                for (Future<Integer> result : pool.invokeAll(reads)) {
                    parallel.add(result.get());
                }
                assertThat(parallel).isEqualTo(sequential);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openslide", "tiff"})
    void closeWaitsForReadsInFlightAndStopsLaterOnes(String backend) throws Exception {
        if (backend.equals("openslide")) {
            assumeOpenSlide();
        }
        Slide slide = Slides.open(sharedSlide(CMU_1), backend);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Integer>> readers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                readers.add(pool.submit(() -> {
                    int reads = 0;
                    while (true) {
                        slide.readRegion(0, 240L * (reads % 8), 240L * (reads % 11), 256, 256);
                        reads++;
                    }
                }));
            }
            Thread.sleep(100);
            slide.close();
            for (Future<Integer> reader : readers) {
                try {
                    reader.get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
