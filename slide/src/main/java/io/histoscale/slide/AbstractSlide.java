package io.histoscale.slide;

import io.histoscale.core.UserException;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * What the backends share: level geometry, properties and the numbers read from them, argument checks, and a
 * {@link #close()} that waits for reads in flight and makes later reads fail.
 */
public abstract class AbstractSlide implements Slide {

    private final Path path;
    private final String format;
    private final List<Level> levels;
    private final Map<String, String> properties;
    private final Set<String> associatedImageNames;
    private final OptionalDouble mppX;
    private final OptionalDouble mppY;
    private final OptionalDouble objectivePower;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    /**
     * @param properties under OpenSlide's names; MPP and objective power are read from {@code openslide.mpp-x/y} and
     *                   {@code openslide.objective-power}, MPP otherwise from {@code tiff.XResolution/YResolution} in
     *                   centimetres or inches
     */
    protected AbstractSlide(Path path, String format, List<Level> levels, Map<String, String> properties,
                            Set<String> associatedImageNames) {
        this.path = path;
        this.format = format;
        this.levels = List.copyOf(levels);
        this.properties = Collections.unmodifiableMap(new TreeMap<>(properties));
        this.associatedImageNames = Collections.unmodifiableSet(new LinkedHashSet<>(associatedImageNames));
        this.mppX = mpp(properties, "openslide.mpp-x", "tiff.XResolution");
        this.mppY = mpp(properties, "openslide.mpp-y", "tiff.YResolution");
        this.objectivePower = positive(properties.get("openslide.objective-power"));
    }

    @Override
    public final Path path() {
        return path;
    }

    @Override
    public final String format() {
        return format;
    }

    @Override
    public final int levelCount() {
        return levels.size();
    }

    @Override
    public final long width(int level) {
        return level(level).width();
    }

    @Override
    public final long height(int level) {
        return level(level).height();
    }

    @Override
    public final double downsample(int level) {
        return level(level).downsample();
    }

    @Override
    public final OptionalDouble mppX() {
        return mppX;
    }

    @Override
    public final OptionalDouble mppY() {
        return mppY;
    }

    @Override
    public final OptionalDouble objectivePower() {
        return objectivePower;
    }

    @Override
    public final Map<String, String> properties() {
        return properties;
    }

    @Override
    public final Set<String> associatedImageNames() {
        return associatedImageNames;
    }

    @Override
    public final BufferedImage associatedImage(String name) {
        if (!associatedImageNames.contains(name)) {
            throw new UserException(path + " has no associated image '" + name + "'; it has "
                    + (associatedImageNames.isEmpty() ? "none" : String.join(", ", associatedImageNames)) + ".");
        }
        return whileOpen(() -> readAssociatedImage(name));
    }

    @Override
    public final BufferedImage readRegion(int level, long x, long y, int w, int h) {
        level(level);
        if (w <= 0 || h <= 0) {
            throw new IllegalArgumentException("Region size must be positive, got " + w + "x" + h);
        }
        if ((long) w * h > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Region " + w + "x" + h + " has more pixels than one image can hold");
        }
        return whileOpen(() -> read(level, x, y, w, h));
    }

    @Override
    public final void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                release();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + path + "]";
    }

    /** Reads a region after the checks of {@link #readRegion}: level in range, positive size, slide open. */
    protected abstract BufferedImage read(int level, long x, long y, int w, int h);

    /** Reads an associated image whose name is known to exist. */
    protected abstract BufferedImage readAssociatedImage(String name);

    /** Frees native handles and files; called once, with no read in flight. */
    protected abstract void release();

    /** A {@link UserException} for a slide that fails while being read. */
    protected final UserException unreadable(String what, Throwable cause) {
        String reason = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        return new UserException("Cannot read " + what + " of slide " + path + ": " + reason
                + ". The file is probably corrupt or truncated; copy it again from its source.", cause);
    }

    /**
     * Fails with a clear message unless {@code path} is a readable, non-empty file; every backend checks this before
     * handing the path to its decoder.
     */
    protected static void checkFile(Path path) {
        if (Files.isDirectory(path)) {
            throw new UserException(path + " is a directory, not a slide file. Give the slide file itself"
                    + " (for MIRAX, the .mrxs file next to the data folder).");
        }
        if (!Files.exists(path)) {
            throw new UserException("Slide file not found: " + path
                    + (path.isAbsolute() ? "" : " (" + path.toAbsolutePath() + ")") + ". Check the path.");
        }
        if (!Files.isReadable(path)) {
            throw new UserException("Cannot read slide file " + path + ": permission denied.");
        }
        try {
            if (Files.size(path) == 0) {
                throw new UserException("Slide file " + path + " is empty (0 bytes); copy it again from its source.");
            }
        } catch (IOException e) {
            throw new UserException("Cannot read slide file " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * What the start of a file shows it to be ("a PNG image", "a text file"), for error messages about files that are
     * not slides; empty when it is nothing we recognise.
     */
    protected static Optional<String> describeContent(Path path) {
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(512);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (startsWith(head, 0x89, 'P', 'N', 'G')) {
            return Optional.of("a PNG image");
        }
        if (startsWith(head, 0xFF, 0xD8, 0xFF)) {
            return Optional.of("a JPEG image");
        }
        if (startsWith(head, 'I', 'I', 0x2A, 0) || startsWith(head, 'M', 'M', 0, 0x2A)) {
            return Optional.of("a TIFF file");
        }
        String text = new String(head, StandardCharsets.UTF_8);
        if (text.chars().allMatch(c -> c >= ' ' && c != 0x7F || c == '\n' || c == '\r' || c == '\t')) {
            return Optional.of("a text file");
        }
        return Optional.empty();
    }

    private static boolean startsWith(byte[] data, int... prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((data[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private Level level(int level) {
        if (level < 0 || level >= levels.size()) {
            throw new IllegalArgumentException("Level " + level + " does not exist in " + path + ", which has levels 0.."
                    + (levels.size() - 1));
        }
        return levels.get(level);
    }

    private <T> T whileOpen(Supplier<T> action) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("Slide " + path + " is closed");
            }
            return action.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Coarsest resolution a scanned slide's level 0 may plausibly have, in µm/px (a 1.25x scan is about 8). */
    static final double MAX_PLAUSIBLE_MPP = 50;

    private static OptionalDouble mpp(Map<String, String> properties, String stated, String resolution) {
        OptionalDouble mpp = positive(properties.get(stated));
        if (mpp.isPresent()) {
            return mpp;
        }
        double micronsPerUnit = switch (properties.getOrDefault("tiff.ResolutionUnit", "")) {
            case "centimeter" -> 10_000;
            case "inch" -> 25_400;
            default -> Double.NaN;
        };
        OptionalDouble pixelsPerUnit = positive(properties.get(resolution));
        if (pixelsPerUnit.isEmpty() || Double.isNaN(micronsPerUnit)) return OptionalDouble.empty();
        double fromTags = micronsPerUnit / pixelsPerUnit.getAsDouble();
        // 72 or 96 dpi is an image editor's default, not a microscope's (352.8 or 264.6 µm/px): treat it as unknown
        // so the user is asked to assume one instead of getting patches of a wrong physical size.
        return fromTags <= MAX_PLAUSIBLE_MPP ? OptionalDouble.of(fromTags) : OptionalDouble.empty();
    }

    private static OptionalDouble positive(String value) {
        if (value == null) {
            return OptionalDouble.empty();
        }
        try {
            double number = Double.parseDouble(value.strip());
            return number > 0 && Double.isFinite(number) ? OptionalDouble.of(number) : OptionalDouble.empty();
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }
}
