package io.histoscale.dataset;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Patches that training reads by index: a patch store or an image folder.
 *
 * <p>Every patch has the same width, height and channel count and is read as HWC uint8 (RGB when three channels).
 * Indices run from 0 to {@link #size()} - 1. Implementations are safe to read from several threads at once.
 */
public interface PatchSource {

    long size();

    int width();

    int height();

    int channels();

    /** Bytes of one patch: width × height × channels. */
    default int patchBytes() {
        return width() * height() * channels();
    }

    /** Class names; {@link #label} indexes this list. */
    List<String> labelNames();

    /** Class index of patch {@code i}, -1 when unlabelled. */
    int label(long i);

    /** The slides patches come from; {@link #slideIndex} indexes this list. */
    List<SlideEntry> slides();

    /** Position in {@link #slides()} of the slide patch {@code i} comes from. */
    int slideIndex(long i);

    /** The patient, slide or centre of patch {@code i}. */
    default String group(long i, GroupBy by) {
        return by.of(slides().get(slideIndex(i)));
    }

    PatchInfo info(long i);

    /**
     * Writes the pixels of patch {@code i} (HWC uint8) at {@code dst}'s position and advances it by
     * {@link #patchBytes()}, so that consecutive reads fill a batch buffer.
     */
    void read(long i, ByteBuffer dst);

    default byte[] read(long i) {
        byte[] pixels = new byte[patchBytes()];
        read(i, ByteBuffer.wrap(pixels));
        return pixels;
    }

    /** Patch {@code i} as an image, for people and thumbnails (training should use {@link #read(long, ByteBuffer)}). */
    default BufferedImage image(long i) {
        return Pixels.toImage(read(i), width(), height(), channels());
    }

    /** All patches in index order. */
    default Stream<Patch> stream() {
        return LongStream.range(0, size()).mapToObj(i -> new Patch(i, info(i), read(i)));
    }
}
