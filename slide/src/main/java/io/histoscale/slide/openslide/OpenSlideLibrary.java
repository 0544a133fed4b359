package io.histoscale.slide.openslide;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.util.Map;

/**
 * OpenSlide's C API (3.4.1), bound with JNA direct mapping, the fastest way JNA calls native code.
 *
 * <p>Every function but {@code openslide_open} and {@code openslide_get_error} records failures in the handle, where
 * {@code openslide_get_error} finds them; after the first error the handle only reports that error.
 */
final class OpenSlideLibrary {

    /** Why the library did not load, or null when it did. */
    static final String LOAD_ERROR = register();

    private OpenSlideLibrary() {
    }

    private static String register() {
        try {
            Native.register(OpenSlideLibrary.class,
                    NativeLibrary.getInstance("openslide", Map.of(Library.OPTION_STRING_ENCODING, "UTF-8")));
            return null;
        } catch (LinkageError e) {
            return e.getMessage();
        }
    }

    /** The vendor format ("aperio", "generic-tiff", ...) that recognises the file from its header, or null. */
    static native String openslide_detect_vendor(String filename);

    /** A handle, or null when no vendor format recognises the file. */
    static native Pointer openslide_open(String filename);

    static native int openslide_get_level_count(Pointer osr);

    static native void openslide_get_level_dimensions(Pointer osr, int level, long[] w, long[] h);

    static native double openslide_get_level_downsample(Pointer osr, int level);

    /** A NULL-terminated array of strings. */
    static native Pointer openslide_get_property_names(Pointer osr);

    static native String openslide_get_property_value(Pointer osr, String name);

    /** A NULL-terminated array of strings. */
    static native Pointer openslide_get_associated_image_names(Pointer osr);

    static native void openslide_get_associated_image_dimensions(Pointer osr, String name, long[] w, long[] h);

    /** Fills {@code dest} with premultiplied ARGB. */
    static native void openslide_read_associated_image(Pointer osr, String name, int[] dest);

    /** Fills {@code dest} with premultiplied ARGB; x and y in level-0 pixels, w and h in pixels of the level. */
    static native void openslide_read_region(Pointer osr, int[] dest, long x, long y, int level, long w, long h);

    static native String openslide_get_error(Pointer osr);

    static native void openslide_close(Pointer osr);
}
