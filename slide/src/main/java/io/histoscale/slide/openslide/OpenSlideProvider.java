package io.histoscale.slide.openslide;

import io.histoscale.slide.Slide;
import io.histoscale.slide.SlideBackend;
import io.histoscale.slide.SlideReaderProvider;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Backend {@code openslide}: the native OpenSlide library, for every format it reads. Available when Debian's
 * {@code libopenslide0} loads; recognises a file when OpenSlide names its vendor from the header.
 */
public final class OpenSlideProvider implements SlideReaderProvider {

    @Override
    public SlideBackend backend() {
        return OpenSlideSlide.BACKEND;
    }

    @Override
    public String formats() {
        return OpenSlideSlide.FORMATS;
    }

    @Override
    public Optional<String> unavailableReason() {
        return OpenSlideSlide.isAvailable() ? Optional.empty() : Optional.of(OpenSlideSlide.whyUnavailable());
    }

    @Override
    public Support probe(Path path) {
        return OpenSlideLibrary.openslide_detect_vendor(path.toAbsolutePath().toString()) != null
                ? Support.RECOGNISED : Support.NONE;
    }

    @Override
    public Slide open(Path path) {
        return OpenSlideSlide.open(path);
    }
}
