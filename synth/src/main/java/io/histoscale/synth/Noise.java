package io.histoscale.synth;

/**
 * Deterministic hashed randomness: the same inputs give the same numbers on every machine and in every thread, so a
 * slide can be rendered tile by tile, in any order, with identical results.
 */
final class Noise {
    private Noise() {
    }

    /** SplitMix64's finaliser: a fast bijective 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static long hash(long seed, long a, long b) {
        return mix(mix(mix(seed + 0x9E3779B97F4A7C15L) ^ a) + 0x632BE59BD9B4E019L ^ b);
    }

    /** Uniform in [0, 1) from the top 24 bits of {@code h}. */
    static float unit(long h) {
        return (h >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [0, 1) from bits {@code shift..shift+11} of {@code h}: cheap extra draws from one hash. */
    static float unit(long h, int shift) {
        return ((h >>> shift) & 0xFFF) * 0x1.0p-12f;
    }

    /** Smooth value noise in [0, 1) on an integer lattice. */
    static float value(long seed, double x, double y) {
        long ix = (long) Math.floor(x), iy = (long) Math.floor(y);
        float fx = smooth((float) (x - ix)), fy = smooth((float) (y - iy));
        float top = lerp(unit(hash(seed, ix, iy)), unit(hash(seed, ix + 1, iy)), fx);
        float bottom = lerp(unit(hash(seed, ix, iy + 1)), unit(hash(seed, ix + 1, iy + 1)), fx);
        return lerp(top, bottom, fy);
    }

    /**
     * Two octaves of value noise on lattices turned against the axes, which hides the square grid that one octave
     * shows; about [0, 1), features about one unit wide.
     */
    static float patches(long seed, double x, double y) {
        float coarse = value(seed, 0.8 * x - 0.6 * y, 0.6 * x + 0.8 * y);
        float fine = value(seed + 1, 2.2 * (0.28 * x + 0.96 * y), 2.2 * (0.96 * x - 0.28 * y));
        return 0.7f * coarse + 0.3f * fine;
    }

    /** Value noise that repeats every {@code period} lattice cells in x and y. */
    static float periodicValue(long seed, double x, double y, int period) {
        long ix = (long) Math.floor(x), iy = (long) Math.floor(y);
        float fx = smooth((float) (x - ix)), fy = smooth((float) (y - iy));
        long x0 = Math.floorMod(ix, period), x1 = Math.floorMod(ix + 1, period);
        long y0 = Math.floorMod(iy, period), y1 = Math.floorMod(iy + 1, period);
        float top = lerp(unit(hash(seed, x0, y0)), unit(hash(seed, x1, y0)), fx);
        float bottom = lerp(unit(hash(seed, x0, y1)), unit(hash(seed, x1, y1)), fx);
        return lerp(top, bottom, fy);
    }

    static float lerp(float a, float b, float t) {
        return a + (b - a) * t;
    }

    private static float smooth(float t) {
        return t * t * (3 - 2 * t);
    }
}
