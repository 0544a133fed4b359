package io.histoscale.model;

import io.histoscale.core.UserException;

import java.util.Random;

/**
 * How PyTorch runs in this process.
 *
 * @param threads        intra-op threads: how many cores one operator (a convolution, a matrix product) may use
 * @param interOpThreads inter-op threads: how many operators may run at the same time (1 suits eager training)
 * @param seed           seed for PyTorch's generator (weight initialisation, dropout) and for {@link #newRandom()}
 */
public record EngineSettings(int threads, int interOpThreads, int seed) {

    /** The seed used when none is given. */
    public static final int DEFAULT_SEED = 42;

    public EngineSettings {
        if (threads < 1) {
            throw UserException.forKey("threads", threads + ": give at least 1");
        }
        if (interOpThreads < 1) {
            throw UserException.forKey("interop_threads", interOpThreads + ": give at least 1");
        }
    }

    /** One intra-op thread per available core, one inter-op thread, seed {@value #DEFAULT_SEED}. */
    public static EngineSettings defaults() {
        return new EngineSettings(Runtime.getRuntime().availableProcessors(), 1, DEFAULT_SEED);
    }

    public EngineSettings withThreads(int threads) {
        return new EngineSettings(threads, interOpThreads, seed);
    }

    public EngineSettings withInterOpThreads(int interOpThreads) {
        return new EngineSettings(threads, interOpThreads, seed);
    }

    public EngineSettings withSeed(int seed) {
        return new EngineSettings(threads, interOpThreads, seed);
    }

    /** A Java generator seeded like PyTorch, for shuffling and augmentation on the Java side. */
    public Random newRandom() {
        return new Random(seed);
    }
}
