package io.histoscale.slide;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One way of reading slides (a backend), plugged in with {@link java.util.ServiceLoader}, in the spirit of QuPath's
 * {@code ImageServerBuilder}s: {@link Slides#open(Path)} asks every available provider how well it reads a file and
 * opens the file with the best.
 *
 * <p>A new backend is one class implementing this interface, with a public no-argument constructor, and one line
 * naming it in {@code META-INF/services/io.histoscale.slide.SlideReaderProvider}. Implementations are stateless and
 * safe to call from several threads.
 */
public interface SlideReaderProvider {

    /** How well a provider expects to read a file, from worst to best. */
    enum Support {
        /** It does not read the file. */
        NONE,
        /** The file is of a kind it reads (a TIFF, say), but only opening it tells whether this one is. */
        POSSIBLE,
        /** It recognised the file's format. */
        RECOGNISED
    }

    /** The backend its slides report as {@link Slide#backend()}; no two providers share one. */
    SlideBackend backend();

    /** What it reads, for messages, e.g. "Aperio SVS and tiled pyramidal TIFF". */
    String formats();

    /**
     * Why it cannot read anything here and what to do about it (e.g. its native library did not load: install it),
     * or empty when it can.
     */
    Optional<String> unavailableReason();

    default boolean available() {
        return unavailableReason().isEmpty();
    }

    /**
     * How well it reads {@code path}; quick (reads no more than the file's header) and never throws for files it does
     * not read. Called only when {@link #available()}, with an existing, readable, non-empty file.
     */
    Support probe(Path path);

    /**
     * Opens the slide.
     *
     * @throws UnsupportedSlideException when the file is not one this provider reads, so another may try
     * @throws io.histoscale.core.UserException when the file is missing, or is of a format it reads but truncated or
     *                                          corrupt
     */
    Slide open(Path path);
}
