package io.histoscale.server.tiles;

/** A Deep Zoom level, column or row outside the pyramid of a slide; the web layer answers 404. */
public final class TileNotFoundException extends RuntimeException {

    public TileNotFoundException(String message) {
        super(message);
    }
}
