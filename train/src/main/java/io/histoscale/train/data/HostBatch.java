package io.histoscale.train.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.histoscale.model.ChannelsLast;

import java.nio.ByteBuffer;

/**
 * A batch of network inputs in host memory: HWC uint8 images in one direct buffer, with their patch indices and labels.
 * It is valid until the next batch is taken from its {@link BatchLoader.Batches}.
 */
public final class HostBatch {

    /** Inputs are scaled as {@code (x / 255 - MEAN) / STD}: about [-2, 2], the same for every channel. */
    public static final float MEAN = 0.5f;
    public static final float STD = 0.25f;

    private final ByteBuffer pixels;
    private final long[] indices;
    private final int[] labels;
    private final int size;

    HostBatch(ByteBuffer pixels, long[] indices, int[] labels, int size) {
        this.pixels = pixels;
        this.indices = indices;
        this.labels = labels;
        this.size = size;
    }

    /** Number of patches. */
    public int count() {
        return indices.length;
    }

    /** Source indices of the patches. */
    public long[] indices() {
        return indices;
    }

    /** Class indices of the patches (-1 unlabelled). */
    public int[] labels() {
        return labels;
    }

    /**
     * The images as float32 NCHW on {@code manager}'s device, laid out channels-last ({@link ChannelsLast}) and
     * scaled by {@link #MEAN} and {@link #STD}: one copy of uint8 data from host memory (to the device, or on the
     * CPU into the float array), then the scaling where the array lives.
     */
    public NDArray images(NDManager manager) {
        return images(manager, pixels, indices.length, size);
    }

    /**
     * Network inputs, as {@link #images(NDManager)} makes them, from {@code count} HWC uint8 RGB images of
     * {@code size × size} pixels back to back from position 0 of a direct buffer.
     */
    public static NDArray images(NDManager manager, ByteBuffer pixels, int count, int size) {
        ByteBuffer data = pixels.slice(0, count * 3 * size * size);
        try (NDArray raw = manager.create(data, new Shape(count, size, size, 3), DataType.UINT8)) {
            return ChannelsLast.fromNhwc(raw.toType(DataType.FLOAT32, true).muli(1 / (255 * STD)).subi(MEAN / STD));
        }
    }

    /** The labels as int64 on {@code manager}'s device. */
    public NDArray labels(NDManager manager) {
        long[] values = new long[labels.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = labels[i];
        }
        return manager.create(values);
    }
}
