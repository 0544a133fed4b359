package io.histoscale.dataset.tile;

import io.histoscale.slide.Slide;
import io.histoscale.slide.tissue.PatchGrid;

/** Cuts one grid patch out of a slide as RGB bytes at the grid's patch size, as the tiler stores it. */
public final class PatchReader {
    private final Slide slide;
    private final PatchGrid grid;

    public PatchReader(Slide slide, PatchGrid grid) {
        this.slide = slide;
        this.grid = grid;
    }

    /** HWC uint8 RGB, {@code patchSize² × 3} bytes; safe to call from several threads. */
    public byte[] read(PatchGrid.Cell p) {
        return PatchPixels.toRgb(slide.readRegion(grid.level(), p.x(), p.y(), grid.readSize(), grid.readSize()),
                grid.patchSize());
    }

    /** Pyramid level the patches are read from. */
    public int level() {
        return grid.level();
    }

    /** Micrometres per pixel of the patches as read (the requested MPP up to the grid's snapping). */
    public double patchMpp() {
        return grid.slideMpp() * slide.downsample(grid.level()) * grid.readSize() / grid.patchSize();
    }
}
