package io.histoscale.server.tiles;

import io.histoscale.core.UserException;
import io.histoscale.slide.Slide;
import io.histoscale.slide.Slides;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Deep Zoom descriptors and tiles of slides named by absolute path: slides are opened when first asked for and kept
 * open, at most {@code maxOpenSlides} of them (the least recently used is closed once no request reads it), and
 * encoded tiles are kept in a {@link TileCache}. Thread-safe; one slide is opened once however many requests ask for
 * it at the same moment.
 *
 * <p>No path checks: callers pass a path they have already validated.
 */
public final class TileService implements AutoCloseable {

    public static final int DEFAULT_OPEN_SLIDES = 8;

    private final int maxOpenSlides;
    private final TileCache cache;
    private final Function<Path, Slide> opener;
    private final LinkedHashMap<Path, Open> open = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    /** Up to {@value #DEFAULT_OPEN_SLIDES} open slides and a cache of {@link TileCache#DEFAULT_MAX_BYTES} bytes. */
    public TileService() {
        this(DEFAULT_OPEN_SLIDES, new TileCache());
    }

    public TileService(int maxOpenSlides, TileCache cache) {
        this(maxOpenSlides, cache, Slides::open);
    }

    /** @param opener opens a slide (e.g. with an assumed MPP); its failures become {@link UserException}s */
    public TileService(int maxOpenSlides, TileCache cache, Function<Path, Slide> opener) {
        if (maxOpenSlides < 1) throw new IllegalArgumentException("keep at least one slide open, got " + maxOpenSlides);
        this.maxOpenSlides = maxOpenSlides;
        this.cache = cache;
        this.opener = opener;
    }

    /**
     * The DZI descriptor of a slide.
     *
     * @throws UserException when the slide cannot be opened (the message names the file)
     */
    public String dzi(Path slide) {
        Open o = acquire(slide);
        try {
            return o.zoom().dziXml();
        } finally {
            release(o);
        }
    }

    /**
     * One tile as JPEG bytes, from the cache when it holds it.
     *
     * @throws TileNotFoundException when the level, column or row is outside the slide's pyramid
     * @throws UserException         when the slide cannot be opened or read
     */
    public byte[] tile(Path slide, int level, int col, int row) {
        Open o = acquire(slide);
        try {
            TileCache.Key key = new TileCache.Key(o.identity, level, col, row);
            byte[] tile = cache.get(key);
            if (tile == null) {
                // No limit on tiles made at once: capping it at the number of cores measured no faster.
                tile = o.zoom().tile(level, col, row);
                cache.put(key, tile);
            }
            return tile;
        } finally {
            release(o);
        }
    }

    /**
     * Runs {@code action} on a slide's pyramid while keeping the slide open.
     *
     * @throws UserException when the slide cannot be opened
     */
    public <T> T withDeepZoom(Path slide, Function<DeepZoom, T> action) {
        Open o = acquire(slide);
        try {
            return action.apply(o.zoom());
        } finally {
            release(o);
        }
    }

    public TileCache cache() {
        return cache;
    }

    /** How many slides are open (or opening) now. */
    public synchronized int openSlides() {
        return open.size();
    }

    /** Closes every open slide (each once no request reads it any more); later requests fail. */
    @Override
    public void close() {
        List<Open> toClose = new ArrayList<>();
        synchronized (this) {
            if (closed) return;
            closed = true;
            for (Open o : open.values()) {
                o.evicted = true;
                if (o.users == 0) toClose.add(o);
            }
            open.clear();
        }
        toClose.forEach(Open::closeSlide);
        cache.clear();
    }

    /** One slide, open or being opened, and how many requests use it now. Fields under the service's lock. */
    private static final class Open {
        final Path path;
        final CompletableFuture<DeepZoom> zoom = new CompletableFuture<>();
        String identity;
        int users;
        boolean evicted;

        Open(Path path) {
            this.path = path;
        }

        DeepZoom zoom() {
            return zoom.join(); // completed before acquire() returns it
        }

        void closeSlide() {
            if (zoom.isDone() && !zoom.isCompletedExceptionally()) {
                zoom.join().slide().close();
            }
        }
    }

    private Open acquire(Path path) {
        Open o;
        boolean mine = false;
        synchronized (this) {
            if (closed) throw new IllegalStateException("the tile service is closed");
            o = open.get(path);
            if (o == null) {
                o = new Open(path);
                open.put(path, o);
                mine = true;
            }
            o.users++;
        }
        if (mine) {
            openSlide(o);
            evictBeyondBound();
        }
        try {
            o.zoom.join();
        } catch (CompletionException e) {
            release(o);
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        return o;
    }

    private void openSlide(Open o) {
        Slide slide = null;
        try {
            String identity = identity(o.path);
            slide = opener.apply(o.path);
            DeepZoom zoom = new DeepZoom(slide);
            synchronized (this) {
                o.identity = identity;
            }
            o.zoom.complete(zoom);
        } catch (RuntimeException e) {
            if (slide != null) slide.close();
            synchronized (this) {
                open.remove(o.path, o); // the next request tries again: the file may have been fixed
            }
            o.zoom.completeExceptionally(e instanceof UserException ? e
                    : new UserException("Cannot open slide " + o.path + ": " + (e.getMessage() != null ? e.getMessage()
                    : e.getClass().getSimpleName()), e));
        }
    }

    private void release(Open o) {
        boolean close;
        synchronized (this) {
            o.users--;
            close = o.evicted && o.users == 0;
        }
        if (close) o.closeSlide();
    }

    /**
     * Drops the least recently used slides beyond the bound; each is closed once its last reader is done. Their tiles
     * stay cached: reopened unchanged, a slide has the same identity and finds them again.
     */
    private void evictBeyondBound() {
        List<Open> toClose = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Map.Entry<Path, Open>> it = open.entrySet().iterator();
                 open.size() > maxOpenSlides && it.hasNext(); ) {
                Open o = it.next().getValue();
                it.remove();
                o.evicted = true;
                if (o.users == 0) toClose.add(o);
            }
        }
        toClose.forEach(Open::closeSlide);
    }

    /** The slide as opened: path, size and modification time, so tiles of a replaced file are not served. */
    private static String identity(Path path) {
        try {
            return path + "|" + Files.size(path) + "|" + Files.getLastModifiedTime(path).toMillis();
        } catch (IOException e) {
            return path.toString(); // opening will say what is wrong with the file
        }
    }
}
