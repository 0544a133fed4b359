package io.histoscale.dataset.store;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import io.histoscale.core.UserException;
import io.histoscale.dataset.PatchInfo;
import io.histoscale.dataset.PatchSource;
import io.histoscale.dataset.SlideEntry;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

import static io.histoscale.dataset.store.ShardFormat.*;

/**
 * A sharded, append-only store of fixed-size patches with labels and provenance, read by index.
 *
 * <p>Layout of a store directory:
 * <pre>
 * manifest.json      format, class names, tiling options, slides (with their source file and its fingerprint, patch
 *                    counts per class) and shards with their size and CRC32C (see {@link Manifest})
 * manifest.lock      taken by writers while they change the manifest
 * claims.lock        byte-range locks by which writers share out slide files (see {@link SlideClaim})
 * shards/*.hsp       one or more sealed shard files per slide (see {@link ShardFormat})
 * shards/.tmp-*      files of unfinished batches, ignored by readers
 * </pre>
 *
 * <p>Reading maps shards into memory and copies (or decompresses) a patch into the caller's buffer: no image decoding
 * and no allocation per patch. Reads are thread-safe. A store open for reading sees the
 * slides committed when it was opened, and those committed since after {@link #refresh()}; it never sees part of a
 * slide, even while other processes append. {@link StoreVerifier} checks a whole store against its manifest.
 */
public final class PatchStore implements PatchSource, AutoCloseable {
    private final Path dir;
    private final ConcurrentLinkedQueue<Decoder> decoders = new ConcurrentLinkedQueue<>();
    private volatile View view;
    private volatile boolean closed;

    /** What one thread needs to decompress a patch; pooled, so reads allocate nothing. */
    private static final class Decoder {
        final ZstdDecompressCtx zstd = new ZstdDecompressCtx();
        final byte[] pixels;

        Decoder(int patchBytes) {
            pixels = new byte[patchBytes];
        }
    }

    /** One manifest version: its shards, and where each shard's patches start in the store's index range. */
    private record View(Manifest manifest, PatchStoreSpec spec, List<SlideEntry> slides, Shard[] shards, int[] shardSlide,
                        long[] starts) {
        long size() {
            return starts[shards.length];
        }

        static View of(Path dir, Manifest manifest, View previous) {
            List<SlideEntry> slides = new ArrayList<>();
            Map<String, Integer> slideIndex = new HashMap<>();
            for (Manifest.SlideRecord slide : manifest.slides()) {
                slideIndex.put(slide.name(), slides.size());
                slides.add(slide.toEntry());
            }
            int n = manifest.shards().size();
            Shard[] shards = new Shard[n];
            int[] shardSlide = new int[n];
            long[] starts = new long[n + 1];
            for (int s = 0; s < n; s++) {
                Manifest.ShardEntry entry = manifest.shards().get(s);
                int slide = slideIndex.get(entry.slide()); // Manifest.read checked that the slide is listed
                boolean known = previous != null && s < previous.shards.length;
                shards[s] = known ? previous.shards[s] : new Shard(dir, entry);
                shardSlide[s] = slide;
                starts[s + 1] = starts[s] + entry.patches();
            }
            return new View(manifest, manifest.spec(), List.copyOf(slides), shards, shardSlide, starts);
        }
    }

    private PatchStore(Path dir) {
        this.dir = dir;
        this.view = View.of(dir, Manifest.read(dir), null);
    }

    /** Opens the store in {@code dir} for reading. */
    public static PatchStore open(Path dir) {
        return new PatchStore(dir);
    }

    /** Creates a new, empty store in {@code dir} (created if needed) and returns its writer. */
    public static PatchStoreWriter create(Path dir, PatchStoreSpec spec) {
        return PatchStoreWriter.open(dir, spec, true);
    }

    /** A writer that appends to the existing store in {@code dir}, with the zstd level and shard size it was made with. */
    public static PatchStoreWriter append(Path dir) {
        return PatchStoreWriter.open(dir, Manifest.read(dir).spec(), false);
    }

    /**
     * A writer that appends to the store in {@code dir}, creating it when absent; for several processes filling one
     * store (array jobs). The store's format must match {@code spec}.
     */
    public static PatchStoreWriter append(Path dir, PatchStoreSpec spec) {
        return PatchStoreWriter.open(dir, spec, false);
    }

    /** Copies every patch of {@code source} into a new store in {@code dir}, one batch per slide, and opens it. */
    public static PatchStore importFrom(PatchSource source, Path dir, Compression compression) {
        PatchStoreSpec spec = PatchStoreSpec.builder().patchSize(source.width(), source.height())
                .channels(source.channels()).labels(source.labelNames()).compression(compression).build();
        List<List<Long>> bySlide = new ArrayList<>();
        for (int s = 0; s < source.slides().size(); s++) bySlide.add(new ArrayList<>());
        for (long i = 0; i < source.size(); i++) bySlide.get(source.slideIndex(i)).add(i);
        ByteBuffer pixels = ByteBuffer.allocateDirect(spec.patchBytes());
        try (PatchStoreWriter writer = create(dir, spec)) {
            for (int s = 0; s < bySlide.size(); s++) {
                try (SlideBatch batch = writer.beginSlide(source.slides().get(s))) {
                    for (long i : bySlide.get(s)) {
                        source.read(i, pixels.clear());
                        PatchInfo info = source.info(i);
                        batch.add(pixels.flip(), new PatchMeta(info.label(), info.level(), info.x(), info.y(), info.mpp(),
                                info.tumourFraction()));
                    }
                    batch.commit();
                }
            }
        }
        return open(dir);
    }

    public Path directory() {
        return dir;
    }

    public PatchStoreSpec spec() {
        return view.spec();
    }

    /** Total size of the shard files. */
    public long bytesOnDisk() {
        return view.manifest().shards().stream().mapToLong(Manifest.ShardEntry::bytes).sum();
    }

    /**
     * Picks up slides committed since the store was opened or last refreshed; indices of patches already seen do not
     * change. Returns whether there are new patches.
     */
    public synchronized boolean refresh() {
        View old = view;
        Manifest latest = Manifest.read(dir);
        List<Manifest.ShardEntry> known = old.manifest().shards();
        boolean extendsOld = latest.spec().sameFormat(old.spec()) && latest.shards().size() >= known.size()
                && latest.shards().subList(0, known.size()).equals(known);
        if (!extendsOld) {
            throw new UserException("Patch store " + dir + " was replaced or rewritten while open; open it again.");
        }
        view = View.of(dir, latest, old);
        return view.size() > old.size();
    }

    /**
     * Recomputes the CRC32C of every shard and compares it with the manifest, then reads every patch of the sound
     * shards as training would (pixels, label and provenance): whatever reading would refuse, this reports. It
     * decompresses the whole store, so it takes about as long as one epoch's reads.
     *
     * @throws UserException naming every damaged or missing shard and its slide
     */
    public void verify() {
        View v = view;
        List<String> problems = new ArrayList<>();
        ByteBuffer pixels = ByteBuffer.allocate(v.spec().patchBytes());
        for (int s = 0; s < v.shards().length; s++) {
            String problem = v.shards()[s].check();
            if (problem == null) problem = unreadable(v.starts()[s], v.starts()[s + 1], pixels);
            if (problem != null) problems.add(problem);
        }
        if (!problems.isEmpty()) {
            throw new UserException(problems.size() + " of " + v.shards().length + " shards of patch store " + dir
                    + " are damaged: " + String.join("; ", problems) + ". Restore those files from a backup, or tile their "
                    + "slides into a new store.");
        }
    }

    @Override
    public long size() {
        return view.size();
    }

    @Override
    public int width() {
        return view.spec().width();
    }

    @Override
    public int height() {
        return view.spec().height();
    }

    @Override
    public int channels() {
        return view.spec().channels();
    }

    @Override
    public List<String> labelNames() {
        return view.spec().labelNames();
    }

    @Override
    public List<SlideEntry> slides() {
        return view.slides();
    }

    @Override
    public int slideIndex(long i) {
        View v = view;
        return v.shardSlide()[shardOf(v, i)];
    }

    @Override
    public int label(long i) {
        View v = view;
        int s = shardOf(v, i);
        Shard shard = v.shards()[s];
        return label(v, shard, shard.record((int) (i - v.starts()[s])), i);
    }

    @Override
    public PatchInfo info(long i) {
        View v = view;
        int s = shardOf(v, i);
        Shard shard = v.shards()[s];
        ByteBuffer data = shard.data();
        int r = shard.record((int) (i - v.starts()[s]));
        SlideEntry slide = v.slides().get(v.shardSlide()[s]);
        return new PatchInfo(slide.name(), slide.patient(), slide.centre(), data.getInt(r + LEVEL), data.getLong(r + X),
                data.getLong(r + Y), data.getDouble(r + MPP), label(v, shard, r, i), data.getFloat(r + TUMOUR_FRACTION));
    }

    @Override
    public void read(long i, ByteBuffer dst) {
        if (closed) throw new IllegalStateException("Patch store " + dir + " is closed");
        View v = view;
        int s = shardOf(v, i);
        Shard shard = v.shards()[s];
        ByteBuffer data = shard.data();
        int r = shard.record((int) (i - v.starts()[s]));
        long offset = data.getLong(r + OFFSET);
        int length = data.getInt(r + LENGTH);
        int bytes = v.spec().patchBytes();
        int at = dst.position();
        if (dst.remaining() < bytes) throw new BufferOverflowException();
        if (offset < HEADER_BYTES || length < 0 || offset > shard.payloadEnd() - length) {
            throw shard.damaged("patch " + i + " points outside the file");
        }
        if (v.spec().compression() == Compression.NONE) {
            if (length != bytes) throw shard.damaged("patch " + i + " has " + length + " bytes, not " + bytes);
            dst.put(at, data, (int) offset, length);
        } else {
            decompress(shard, i, data, (int) offset, length, dst, at, bytes);
        }
        dst.position(at + bytes);
    }

    /** Releases the decompressors; the operating system unmaps shards once they are no longer referenced. */
    @Override
    public void close() {
        closed = true;
        for (Decoder decoder; (decoder = decoders.poll()) != null; ) decoder.zstd.close();
    }

    @Override
    public String toString() {
        return "PatchStore[" + dir + ", " + size() + " patches of " + view.spec().describe() + "]";
    }

    private void decompress(Shard shard, long i, ByteBuffer data, int offset, int length, ByteBuffer dst, int at, int bytes) {
        Decoder decoder = Objects.requireNonNullElseGet(decoders.poll(), () -> new Decoder(bytes));
        try {
            // Heap buffers are filled and unfiltered in place; direct ones through the decoder's array.
            byte[] target = dst.hasArray() ? dst.array() : decoder.pixels;
            int start = dst.hasArray() ? dst.arrayOffset() + at : 0;
            int n = decoder.zstd.decompressDirectByteBufferToByteArray(target, start, bytes, data, offset, length);
            if (n != bytes) throw shard.damaged("patch " + i + " decompresses to " + n + " bytes, not " + bytes);
            DeltaFilter.undo(target, start, bytes, width(), channels());
            if (!dst.hasArray()) dst.put(at, target, 0, bytes);
        } catch (ZstdException e) {
            throw shard.damaged("patch " + i + " does not decompress: " + e.getMessage());
        } finally {
            if (closed) decoder.zstd.close();
            else decoders.offer(decoder);
        }
    }

    /** Why a patch from {@code start} to {@code end} cannot be read, or null when all can. */
    private String unreadable(long start, long end, ByteBuffer pixels) {
        try {
            for (long i = start; i < end; i++) {
                read(i, pixels.clear());
                info(i);
            }
            return null;
        } catch (UserException e) {
            return e.getMessage();
        }
    }

    /** The label of patch {@code i} (index record {@code r} of {@code shard}): -1 or an index into the class names. */
    private static int label(View v, Shard shard, int r, long i) {
        int label = shard.data().getInt(r + LABEL);
        List<String> names = v.spec().labelNames();
        if (label < -1 || label >= names.size()) {
            throw shard.damaged("patch " + i + " has label " + label + ", but the manifest lists the classes " + names);
        }
        return label;
    }

    private static int shardOf(View v, long i) {
        if (i < 0 || i >= v.size()) throw new IndexOutOfBoundsException("Patch " + i + " of " + v.size());
        int found = Arrays.binarySearch(v.starts(), i);
        return found >= 0 ? found : -found - 2;
    }
}
