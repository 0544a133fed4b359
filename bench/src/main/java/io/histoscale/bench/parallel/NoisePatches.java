package io.histoscale.bench.parallel;

import io.histoscale.dataset.PatchInfo;
import io.histoscale.dataset.PatchSource;
import io.histoscale.dataset.SlideEntry;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;

/** Random RGB patches generated on read, two classes: the benchmarks' data, with no disk in the way. */
final class NoisePatches implements PatchSource {

    private static final SlideEntry SLIDE = new SlideEntry("noise", "noise", "bench", 0.5);
    private final int size;
    private final long count;

    NoisePatches(int size, long count) {
        this.size = size;
        this.count = count;
    }

    @Override
    public long size() {
        return count;
    }

    @Override
    public int width() {
        return size;
    }

    @Override
    public int height() {
        return size;
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public List<String> labelNames() {
        return List.of("normal", "tumour");
    }

    @Override
    public int label(long i) {
        return (int) (i % 2);
    }

    @Override
    public List<SlideEntry> slides() {
        return List.of(SLIDE);
    }

    @Override
    public int slideIndex(long i) {
        return 0;
    }

    @Override
    public PatchInfo info(long i) {
        throw new UnsupportedOperationException("generated patches have no slide position");
    }

    @Override
    public void read(long i, ByteBuffer dst) {
        SplittableRandom random = new SplittableRandom(i);
        byte[] pixels = new byte[patchBytes()];
        for (int k = 0; k < pixels.length; k += 8) {
            long bits = random.nextLong();
            for (int b = 0; b < 8 && k + b < pixels.length; b++) {
                pixels[k + b] = (byte) (bits >>> (8 * b));
            }
        }
        dst.put(pixels);
    }
}
