package io.histoscale.train.data;

import java.util.SplittableRandom;

/**
 * Random sources derived from a run's seed and a position (epoch, sample), so that what a sample gets does not depend
 * on which thread draws it, when, or whether the run was interrupted before.
 */
public final class Seeds {

    /** First key of each use, so that no two uses draw the same stream. */
    public static final long SAMPLE_ORDER = 1;
    public static final long AUGMENTATION = 2;
    public static final long VALIDATION_SUBSET = 3;
    public static final long STAIN_FIT = 4;

    private Seeds() {
    }

    /** A seed for the given keys, mixed with SplitMix64's finaliser so nearby keys give unrelated streams. */
    public static long derive(long seed, long... keys) {
        long h = mix(seed);
        for (long key : keys) {
            h = mix(h ^ mix(key + 0x9E3779B97F4A7C15L));
        }
        return h;
    }

    /** A random source for the given keys. */
    public static SplittableRandom random(long seed, long... keys) {
        return new SplittableRandom(derive(seed, keys));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
