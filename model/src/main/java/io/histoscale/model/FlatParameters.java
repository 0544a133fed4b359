package io.histoscale.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * A network's parameters and gradients as flat float buffers, in a fixed order (parameter names, sorted): for
 * averaging gradients across processes (MPI allreduce) before the optimiser step, and for moving weights between
 * sites.
 *
 * <p>Three groups, each read and written as one run of floats: the trainable parameters ({@link #size()}), their
 * gradients (same layout), and the values not trained by gradient ({@link #statisticsSize()}): batch-norm running
 * statistics, which must travel with the weights, and any frozen parameters. Reads and writes use the buffer's
 * position like bulk {@code get}/{@code put}.
 *
 * <p>On the CPU the arrays themselves are moved into three direct buffers owned by this object (PyTorch tensors may
 * use memory they do not own), so a read or write is a plain memory copy, and an optimiser can update all
 * parameters with a few operations per cache-sized piece of two flat arrays ({@link #segments()}). On a GPU each
 * parameter is copied to or from the host on its own.
 *
 * <p>There is one {@code FlatParameters} per block ({@link #of} returns it again). Create it after loading weights
 * into the model: loading replaces the arrays, and the next call then fails.
 */
public final class FlatParameters {

    /** Each parameter starts on a 64-byte boundary inside the shared buffers, as native kernels prefer. */
    private static final int ALIGN_FLOATS = 16;
    /**
     * Floats per optimiser segment on the CPU (1 MiB): small enough that the several passes of an update stay in
     * cache, large enough that per-call overhead is negligible (ResNet-18's Adam step: 107 ms as one flat segment,
     * 16 ms in 1 MiB segments, 18 ms for PyTorch's own per-parameter loop).
     */
    private static final int SEGMENT_FLOATS = 1 << 18;

    /** The flat parameters of each block: binding a block's arrays twice would leave the first binding stale. */
    private static final Map<Block, FlatParameters> BOUND = new WeakHashMap<>();

    private final List<Entry> trainable;
    private final List<Entry> statistics;
    private final int size;
    private final int statisticsSize;
    /** Direct buffers holding the arrays' data (CPU), or null when each array keeps its own memory (GPU). */
    private final FloatBuffer weightMemory;
    private final FloatBuffer gradientMemory;
    private final FloatBuffer statisticMemory;
    private final List<Segment> segments;
    private final NDArray flatGradients;
    private final NDArray zero;

    /** All of a trainable parameter's weights with their gradients; an optimiser updates {@code weights} in place. */
    public record Segment(NDArray weights, NDArray gradients) {
    }

    private FlatParameters(Block block) {
        List<Pair<String, Parameter>> all = block.getParameters().stream()
                .sorted(Comparator.comparing(Pair::getKey))
                .toList();
        trainable = new ArrayList<>();
        statistics = new ArrayList<>();
        for (Pair<String, Parameter> p : all) {
            NDArray array = p.getValue().getArray();
            if (array.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("parameter " + p.getKey() + " is " + array.getDataType()
                        + "; flat buffers hold float32 only");
            }
            (p.getValue().requiresGradient() ? trainable : statistics).add(new Entry(p.getKey(), p.getValue()));
        }
        size = layOut(trainable);
        statisticsSize = layOut(statistics);
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("the block has no trainable parameters");
        }
        NDArray first = trainable.get(0).array;
        NDManager manager = first.getManager();
        for (Entry e : trainable) {
            e.gradient = definedGradient((PtNDArray) e.array);
        }
        if (first.getDevice().isGpu()) {
            weightMemory = null;
            gradientMemory = null;
            statisticMemory = null;
            flatGradients = null;
            zero = null;
            segments = trainable.stream().map(e -> new Segment(e.array, e.gradient)).toList();
        } else {
            ByteBuffer weights = allocate(trainable);
            ByteBuffer gradients = allocate(trainable);
            ByteBuffer stats = allocate(statistics);
            for (Entry e : trainable) {
                bind(e.array, weights, e.paddedOffset);
                bind(e.gradient, gradients, e.paddedOffset);
            }
            for (Entry e : statistics) {
                bind(e.array, stats, e.paddedOffset);
            }
            weightMemory = weights.asFloatBuffer();
            gradientMemory = gradients.asFloatBuffer();
            statisticMemory = stats.asFloatBuffer();
            NDArray flatWeights = view(manager, weights);
            flatGradients = view(manager, gradients);
            zero = manager.create(0f); // kept: setting from a Number would leave a new array behind every call
            segments = new ArrayList<>();
            for (long start = 0; start < flatWeights.size(); start += SEGMENT_FLOATS) {
                NDIndex range = new NDIndex(start + ":" + Math.min(flatWeights.size(), start + SEGMENT_FLOATS));
                segments.add(new Segment(flatWeights.get(range), flatGradients.get(range)));
            }
        }
    }

    /**
     * The parameters of an initialised block (after any weights were loaded into it). Asked again for the same
     * block, returns the same object, unless the block's arrays have been replaced since.
     */
    public static FlatParameters of(Block block) {
        synchronized (BOUND) {
            FlatParameters flat = BOUND.get(block);
            if (flat == null || !flat.arraysCurrent()) {
                flat = new FlatParameters(block);
                BOUND.put(block, flat);
            }
            return flat;
        }
    }

    /** The parameters of a model's block. */
    public static FlatParameters of(Model model) {
        return of(model.getBlock());
    }

    /** Number of trainable values (and of gradient values). */
    public int size() {
        return size;
    }

    /** Number of values not trained by gradient (batch-norm running statistics, frozen parameters). */
    public int statisticsSize() {
        return statisticsSize;
    }

    /** Names of the trainable parameters, in buffer order. */
    public List<String> names() {
        return trainable.stream().map(e -> e.name).toList();
    }

    /** Names of the values not trained by gradient, in buffer order. */
    public List<String> statisticNames() {
        return statistics.stream().map(e -> e.name).toList();
    }

    /** Copies all gradients into {@code dst} ({@link #size()} floats from its position on). */
    public void readGradients(FloatBuffer dst) {
        read(trainable, gradientMemory, dst, true);
    }

    /** Replaces all gradients with {@link #size()} floats from {@code src}, e.g. averaged ones before the step. */
    public void writeGradients(FloatBuffer src) {
        write(trainable, gradientMemory, src, true);
    }

    /** Copies all trainable parameters into {@code dst} ({@link #size()} floats). */
    public void exportParameters(FloatBuffer dst) {
        read(trainable, weightMemory, dst, false);
    }

    /** Replaces all trainable parameters with {@link #size()} floats from {@code src}. */
    public void importParameters(FloatBuffer src) {
        write(trainable, weightMemory, src, false);
    }

    /** Copies the running statistics and frozen parameters into {@code dst} ({@link #statisticsSize()} floats). */
    public void exportStatistics(FloatBuffer dst) {
        read(statistics, statisticMemory, dst, false);
    }

    /** Replaces the running statistics and frozen parameters with {@link #statisticsSize()} floats from {@code src}. */
    public void importStatistics(FloatBuffer src) {
        write(statistics, statisticMemory, src, false);
    }

    /**
     * The weights and gradients an optimiser updates in place: on the CPU, consecutive 1 MiB pieces of the flat
     * buffers (with zeros between parameters, which stay zero under SGD and Adam); on a GPU, one pair per parameter.
     */
    public List<Segment> segments() {
        checkArrays();
        return segments;
    }

    /** Sets all gradients to zero, so that the next backward pass starts afresh. */
    public void zeroGradients() {
        checkArrays();
        if (flatGradients != null) {
            flatGradients.set(new NDIndex(":"), zero);
        } else {
            trainable.forEach(e -> JniUtils.zeroGrad((PtNDArray) e.array));
        }
    }

    private void read(List<Entry> entries, FloatBuffer memory, FloatBuffer dst, boolean gradients) {
        checkArrays();
        checkRemaining(dst, entries);
        for (Entry e : entries) {
            if (memory != null) {
                dst.put(memory.slice(e.paddedOffset, e.length));
            } else {
                NDArray array = gradients ? e.gradient : e.array;
                try (NDArray host = array.toDevice(Device.cpu(), true)) {
                    dst.put(host.toByteBuffer().asFloatBuffer());
                }
            }
        }
    }

    private void write(List<Entry> entries, FloatBuffer memory, FloatBuffer src, boolean gradients) {
        checkArrays();
        checkRemaining(src, entries);
        for (Entry e : entries) {
            FloatBuffer part = src.slice(src.position(), e.length);
            if (memory != null) {
                memory.put(e.paddedOffset, part, 0, e.length);
            } else {
                // On a GPU, set() copies to the device, so no host memory outlives this call.
                (gradients ? e.gradient : e.array).set(part);
            }
            src.position(src.position() + e.length);
        }
    }

    private static void checkRemaining(FloatBuffer buffer, List<Entry> entries) {
        int needed = entries.stream().mapToInt(e -> e.length).sum();
        if (buffer.remaining() < needed) {
            throw new IllegalArgumentException("buffer has " + buffer.remaining() + " floats left, " + needed
                    + " needed");
        }
    }

    /** Loading weights into a model replaces its arrays; the flat buffers would then no longer be the weights. */
    private void checkArrays() {
        if (!arraysCurrent()) {
            throw new IllegalStateException("the model's parameters were replaced (weights loaded into it?): "
                    + "create a new FlatParameters after loading");
        }
    }

    private boolean arraysCurrent() {
        for (List<Entry> entries : List.of(trainable, statistics)) {
            for (Entry e : entries) {
                if (e.parameter.getArray() != e.array) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Sets each entry's offset in the padded layout; returns the number of values. */
    private static int layOut(List<Entry> entries) {
        long packed = 0;
        long padded = 0;
        for (Entry e : entries) {
            e.length = Math.toIntExact(e.array.size());
            e.paddedOffset = (int) padded;
            packed += e.length;
            padded += (e.length + ALIGN_FLOATS - 1) / ALIGN_FLOATS * ALIGN_FLOATS;
            if (padded * Float.BYTES > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("parameters exceed 2 GiB; flat buffers cannot hold them");
            }
        }
        return (int) packed;
    }

    /** A zeroed, 64-byte aligned direct buffer for the entries' padded layout. */
    private static ByteBuffer allocate(List<Entry> entries) {
        int bytes = paddedLength(entries) * Float.BYTES;
        int align = ALIGN_FLOATS * Float.BYTES;
        return ByteBuffer.allocateDirect(bytes + align).alignedSlice(align).slice(0, bytes)
                .order(ByteOrder.nativeOrder());
    }

    private static int paddedLength(List<Entry> entries) {
        if (entries.isEmpty()) {
            return 0;
        }
        Entry last = entries.get(entries.size() - 1);
        return last.paddedOffset + (last.length + ALIGN_FLOATS - 1) / ALIGN_FLOATS * ALIGN_FLOATS;
    }

    /**
     * Moves an array's data into {@code memory} at a float offset. PyTorch's {@code set()} on the CPU makes the
     * tensor use the buffer's memory, which lives as long as the buffer is reachable: the arrays keep a reference
     * to the slice, the slice to the whole buffer.
     */
    private static void bind(NDArray array, ByteBuffer memory, int floatOffset) {
        int bytes = Math.toIntExact(array.size()) * Float.BYTES;
        ByteBuffer slice = memory.slice(floatOffset * Float.BYTES, bytes).order(ByteOrder.nativeOrder());
        slice.put(array.toByteBuffer());
        slice.rewind();
        array.set(slice);
    }

    /** A 1-D array over the whole of a shared buffer. */
    private static NDArray view(NDManager manager, ByteBuffer memory) {
        NDArray flat = manager.create(new Shape(memory.capacity() / Float.BYTES), DataType.FLOAT32);
        flat.set(memory.duplicate().order(ByteOrder.nativeOrder()));
        return flat;
    }

    /**
     * The parameter's gradient array. PyTorch creates gradients during the first backward pass; a backward pass of
     * zeros straight into the parameter creates it now, so that it can be bound before training starts. Arrays
     * loaded from a file do not ask for gradients yet; trainable ones must.
     */
    private static NDArray definedGradient(PtNDArray array) {
        if (!array.hasGradient()) {
            array.setRequiresGradient(true);
        }
        PtNDArray gradient = JniUtils.getGradient(array);
        if (gradient == null) {
            try (PtNDArray zeros = (PtNDArray) array.zerosLike()) {
                JniUtils.backward(array, zeros, false, false);
            }
            gradient = JniUtils.getGradient(array);
        }
        return gradient;
    }

    private static final class Entry {
        final String name;
        final Parameter parameter;
        final NDArray array;
        NDArray gradient;
        int paddedOffset;
        int length;

        Entry(String name, Parameter parameter) {
            this.name = name;
            this.parameter = parameter;
            this.array = parameter.getArray();
        }
    }
}
