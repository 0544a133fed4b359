package io.histoscale.staging;

import io.histoscale.slide.tissue.PatchGrid;

/**
 * Where the cells of a {@link Heatmap} lie on the slide: cell (column, row) is the square of {@code cellSize} level-0
 * pixels whose top-left corner is ({@code originX + column * cellSize}, {@code originY + row * cellSize}).
 *
 * @param columns  cells across, 0 or more
 * @param rows     cells down, 0 or more
 * @param originX  left edge of column 0, level-0 pixels
 * @param originY  top edge of row 0, level-0 pixels
 * @param cellSize side of a cell, level-0 pixels
 * @param slideMpp micrometres per level-0 pixel of the slide
 */
public record HeatmapGeometry(int columns, int rows, double originX, double originY, double cellSize, double slideMpp) {

    public HeatmapGeometry {
        if (columns < 0 || rows < 0 || (long) columns * rows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("heatmap of " + columns + " x " + rows + " cells");
        }
        if (!(cellSize > 0) || Double.isInfinite(cellSize)) throw new IllegalArgumentException("cell size " + cellSize);
        if (!(slideMpp > 0) || Double.isInfinite(slideMpp)) throw new IllegalArgumentException("slide MPP " + slideMpp);
        if (!Double.isFinite(originX) || !Double.isFinite(originY)) {
            throw new IllegalArgumentException("origin " + originX + ", " + originY);
        }
    }

    /**
     * One cell per patch of {@code grid}, centred on the patch and as wide as the stride, so that neighbouring cells
     * tile the slide without overlap even when patches do (stride smaller than the patch).
     */
    public static HeatmapGeometry of(PatchGrid grid) {
        double patch = grid.level0Size(), stride = grid.stride() * patch / grid.patchSize();
        double margin = (patch - stride) / 2;
        return new HeatmapGeometry(grid.columns(), grid.rows(), margin, margin, stride, grid.slideMpp());
    }

    public int cellCount() {
        return columns * rows;
    }

    /** Side of a cell in micrometres. */
    public double cellSizeUm() {
        return cellSize * slideMpp;
    }

    /** Area of a cell in square millimetres. */
    public double cellAreaMm2() {
        double mm = cellSizeUm() / 1000;
        return mm * mm;
    }

    /** Left edge of {@code column} (or right edge of {@code column - 1}), level-0 pixels. */
    public double x(int column) {
        return originX + column * cellSize;
    }

    /** Top edge of {@code row}, level-0 pixels. */
    public double y(int row) {
        return originY + row * cellSize;
    }
}
