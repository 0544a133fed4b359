package io.histoscale.slide;

import java.util.regex.Pattern;

/**
 * Names the reader behind a slide ("openslide", "tiff"): what {@link Slide#backend()} reports and what
 * {@link Slides#open(java.nio.file.Path, String)} takes to force a reader.
 *
 * <p>A value, not an enum, because readers are plugged in (see {@link SlideReaderProvider}) and the set is open.
 *
 * @param name lower-case letters, digits and dashes, starting with a letter
 */
public record SlideBackend(String name) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

    public SlideBackend {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("A slide backend name is lower-case letters, digits and dashes,"
                    + " starting with a letter, not '" + name + "'");
        }
    }

    /** The name, as people and JSON see it. */
    @Override
    public String toString() {
        return name;
    }
}
