package io.histoscale.slide.tiff;

import io.histoscale.slide.Slide;
import io.histoscale.slide.SlideBackend;
import io.histoscale.slide.SlideReaderProvider;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Backend {@code tiff}: the pure-Java reader, always available. It claims no more than {@link Support#POSSIBLE} for
 * any TIFF, since only reading the directories tells whether the file is a pyramid it decodes, so a reader that
 * recognises the format (OpenSlide) goes first.
 */
public final class TiffProvider implements SlideReaderProvider {

    @Override
    public SlideBackend backend() {
        return TiffSlide.BACKEND;
    }

    @Override
    public String formats() {
        return TiffSlide.FORMATS;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    public Support probe(Path path) {
        return TiffSlide.isTiff(path) ? Support.POSSIBLE : Support.NONE;
    }

    @Override
    public Slide open(Path path) {
        return TiffSlide.open(path);
    }
}
