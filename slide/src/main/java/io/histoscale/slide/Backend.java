package io.histoscale.slide;

/** The readers behind {@link Slides#open(java.nio.file.Path, Backend)}. */
public enum Backend {
    /** The native OpenSlide library (Debian {@code libopenslide0}): every format OpenSlide reads. */
    OPENSLIDE("openslide"),
    /** The pure-Java reader: Aperio SVS and tiled pyramidal TIFF. */
    TIFF("tiff");

    private final String id;

    Backend(String id) {
        this.id = id;
    }

    /** The name {@link Slide#backend()} reports. */
    public String id() {
        return id;
    }
}
