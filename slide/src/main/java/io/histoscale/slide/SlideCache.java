package io.histoscale.slide;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Keeps the most recently used slides open, so that reading many regions from many slides does not reopen them. It
 * is safe to use from several threads.
 *
 * <p>{@link #open} lends a slide: close what it returns when done with it (try-with-resources). A slide leaving the
 * cache is closed once the last borrower has closed its loan, never under a reader's feet.
 *
 * <pre>{@code
 * try (Slide slide = cache.open(path)) {
 *     BufferedImage tile = slide.readRegion(0, x, y, 256, 256);
 * }
 * }</pre>
 */
public final class SlideCache implements AutoCloseable {

    private final int capacity;
    private final Function<Path, Slide> opener;
    private final LinkedHashMap<Path, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    /** A cache of up to {@code capacity} slides opened with {@link Slides#open(Path)}. */
    public SlideCache(int capacity) {
        this(capacity, Slides::open);
    }

    /** A cache of up to {@code capacity} slides opened with {@code opener}. */
    public SlideCache(int capacity, Function<Path, Slide> opener) {
        if (capacity < 1) {
            throw new IllegalArgumentException("A slide cache holds at least one slide, not " + capacity);
        }
        this.capacity = capacity;
        this.opener = opener;
    }

    /** Lends the slide at {@code path}, opening it if it is not cached; close the loan when done. */
    public synchronized Slide open(Path path) {
        if (closed) {
            throw new IllegalStateException("The slide cache is closed");
        }
        Path key = path.toAbsolutePath().normalize();
        Entry entry = entries.get(key);
        if (entry == null) {
            entry = new Entry(opener.apply(path));
            entries.put(key, entry);
            evictBeyond(capacity);
        }
        entry.borrowers++;
        return new Loan(entry);
    }

    /** How many slides are open in the cache. */
    public synchronized int size() {
        return entries.size();
    }

    /** Closes every cached slide (those still on loan when their loans close). */
    @Override
    public synchronized void close() {
        closed = true;
        evictBeyond(0);
    }

    private void evictBeyond(int size) {
        for (Iterator<Entry> it = entries.values().iterator(); entries.size() > size && it.hasNext(); ) {
            Entry eldest = it.next();
            it.remove();
            eldest.evicted = true;
            eldest.closeIfUnused();
        }
    }

    private synchronized void giveBack(Entry entry) {
        entry.borrowers--;
        entry.closeIfUnused();
    }

    private static final class Entry {
        final Slide slide;
        int borrowers;
        boolean evicted;

        Entry(Slide slide) {
            this.slide = slide;
        }

        void closeIfUnused() {
            if (evicted && borrowers == 0) {
                slide.close();
            }
        }
    }

    /** A borrowed slide: reads go to the cached slide, close gives it back. */
    private final class Loan implements Slide {
        private final Entry entry;
        private final AtomicBoolean returned = new AtomicBoolean();

        Loan(Entry entry) {
            this.entry = entry;
        }

        private Slide slide() {
            if (returned.get()) {
                throw new IllegalStateException("Slide " + entry.slide.path() + " was given back to the cache");
            }
            return entry.slide;
        }

        @Override
        public void close() {
            if (returned.compareAndSet(false, true)) {
                giveBack(entry);
            }
        }

        @Override
        public Path path() {
            return slide().path();
        }

        @Override
        public String format() {
            return slide().format();
        }

        @Override
        public SlideBackend backend() {
            return slide().backend();
        }

        @Override
        public int levelCount() {
            return slide().levelCount();
        }

        @Override
        public long width(int level) {
            return slide().width(level);
        }

        @Override
        public long height(int level) {
            return slide().height(level);
        }

        @Override
        public double downsample(int level) {
            return slide().downsample(level);
        }

        @Override
        public OptionalDouble mppX() {
            return slide().mppX();
        }

        @Override
        public OptionalDouble mppY() {
            return slide().mppY();
        }

        @Override
        public OptionalDouble objectivePower() {
            return slide().objectivePower();
        }

        @Override
        public Map<String, String> properties() {
            return slide().properties();
        }

        @Override
        public Set<String> associatedImageNames() {
            return slide().associatedImageNames();
        }

        @Override
        public BufferedImage associatedImage(String name) {
            return slide().associatedImage(name);
        }

        @Override
        public BufferedImage readRegion(int level, long x, long y, int w, int h) {
            return slide().readRegion(level, x, y, w, h);
        }

        @Override
        public String toString() {
            return "SlideCache.Loan[" + entry.slide.path() + "]";
        }
    }
}
