package io.histoscale.slide.openslide;

import com.sun.jna.Pointer;
import io.histoscale.core.UserException;
import io.histoscale.slide.AbstractSlide;
import io.histoscale.slide.Level;
import io.histoscale.slide.SlideBackend;
import io.histoscale.slide.UnsupportedSlideException;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static io.histoscale.slide.openslide.OpenSlideLibrary.*;

/**
 * A slide read by the native OpenSlide library. One handle serves all threads (OpenSlide reads are thread-safe);
 * {@link #close()} waits for reads in flight.
 */
public final class OpenSlideSlide extends AbstractSlide {

    /** What slides read by OpenSlide report as their {@link #backend()}. */
    public static final SlideBackend BACKEND = new SlideBackend("openslide");

    private static final int WHITE = 0xFFFFFF;

    private final Pointer handle;

    private OpenSlideSlide(Path path, Pointer handle, List<Level> levels, Map<String, String> properties,
                           Set<String> associatedImageNames) {
        super(path, properties.getOrDefault("openslide.vendor", "unknown"), levels, properties, associatedImageNames);
        this.handle = handle;
    }

    /** What OpenSlide 3.4.1 reads, for messages. */
    static final String FORMATS = "Aperio .svs, Hamamatsu .ndpi/.vms, Leica .scn, MIRAX .mrxs, Philips .tiff,"
            + " Sakura .svslide, Trestle .tif, Ventana .bif and tiled TIFF";

    /** Whether the native library (Debian {@code libopenslide0}) loaded. */
    public static boolean isAvailable() {
        return LOAD_ERROR == null;
    }

    /** Why OpenSlide cannot be used here and what to do, when it cannot. */
    static String whyUnavailable() {
        return "OpenSlide is not installed or did not load (" + LOAD_ERROR + "); install libopenslide0"
                + " (apt-get install libopenslide0)";
    }

    /**
     * Opens a slide in any format OpenSlide reads.
     *
     * @throws UnsupportedSlideException when OpenSlide does not recognise the file, so another reader may try
     * @throws UserException             when the file is missing, OpenSlide is not installed, or the slide is
     *                                   recognised but broken
     */
    public static OpenSlideSlide open(Path path) {
        checkFile(path);
        if (!isAvailable()) {
            throw new UserException(path + " cannot be read with OpenSlide: " + whyUnavailable() + ".");
        }
        Pointer handle = openslide_open(path.toAbsolutePath().toString());
        if (handle == null) {
            throw new UnsupportedSlideException(path + " is not a slide OpenSlide can read"
                    + describeContent(path).map(kind -> ": it is " + kind).orElse("")
                    + ". OpenSlide reads " + FORMATS + "; if the file is one of these, it is probably truncated or"
                    + " corrupt: copy it again.");
        }
        try {
            return read(path, handle);
        } catch (RuntimeException e) {
            openslide_close(handle);
            throw e;
        }
    }

    @Override
    public SlideBackend backend() {
        return BACKEND;
    }

    @Override
    protected BufferedImage read(int level, long x, long y, int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        openslide_read_region(handle, pixels, x, y, level, w, h);
        check(path(), handle, () -> "level " + level + " region " + w + "x" + h + " at (" + x + ", " + y + ")");
        toRgbOnWhite(pixels);
        return image;
    }

    @Override
    protected BufferedImage readAssociatedImage(String name) {
        long[] w = new long[1];
        long[] h = new long[1];
        openslide_get_associated_image_dimensions(handle, name, w, h);
        check(path(), handle, () -> "associated image " + name);
        BufferedImage image = new BufferedImage((int) w[0], (int) h[0], BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        openslide_read_associated_image(handle, name, pixels);
        check(path(), handle, () -> "associated image " + name);
        toRgbOnWhite(pixels);
        return image;
    }

    @Override
    protected void release() {
        openslide_close(handle);
    }

    private static OpenSlideSlide read(Path path, Pointer handle) {
        check(path, handle, () -> "the header");
        int levelCount = openslide_get_level_count(handle);
        check(path, handle, () -> "the level count");
        List<Level> levels = new ArrayList<>();
        for (int level = 0; level < levelCount; level++) {
            long[] w = new long[1];
            long[] h = new long[1];
            openslide_get_level_dimensions(handle, level, w, h);
            double downsample = openslide_get_level_downsample(handle, level);
            int current = level;
            check(path, handle, () -> "the size of level " + current);
            levels.add(new Level(w[0], h[0], downsample));
        }
        Map<String, String> properties = new HashMap<>();
        for (String name : strings(openslide_get_property_names(handle))) {
            properties.put(name, openslide_get_property_value(handle, name));
        }
        Set<String> associated = new LinkedHashSet<>(List.of(strings(openslide_get_associated_image_names(handle))));
        check(path, handle, () -> "the properties");
        return new OpenSlideSlide(path, handle, levels, properties, associated);
    }

    private static String[] strings(Pointer nullTerminated) {
        return nullTerminated == null ? new String[0] : nullTerminated.getStringArray(0, StandardCharsets.UTF_8.name());
    }

    private static void check(Path path, Pointer handle, Supplier<String> what) {
        String error = openslide_get_error(handle);
        if (error != null) {
            throw new UserException("OpenSlide cannot read " + what.get() + " of slide " + path + ": " + error
                    + ". The file is probably corrupt or truncated; copy it again from its source.");
        }
    }

    /**
     * Premultiplied ARGB to RGB in place: opaque pixels keep their colour, transparent ones (outside the scanned
     * area) become white, partly transparent ones (edges of scanned areas) get their colour back by un-premultiplying.
     */
    static void toRgbOnWhite(int[] argb) {
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            int alpha = p >>> 24;
            if (alpha == 255) {
                argb[i] = p & WHITE;
            } else if (alpha == 0) {
                argb[i] = WHITE;
            } else {
                argb[i] = unpremultiply(p >> 16 & 0xFF, alpha) << 16
                        | unpremultiply(p >> 8 & 0xFF, alpha) << 8
                        | unpremultiply(p & 0xFF, alpha);
            }
        }
    }

    private static int unpremultiply(int component, int alpha) {
        return Math.min(255, (component * 255 + alpha / 2) / alpha);
    }
}
