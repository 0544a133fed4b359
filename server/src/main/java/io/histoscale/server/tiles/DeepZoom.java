package io.histoscale.server.tiles;

import io.histoscale.slide.Slide;

import java.awt.image.BufferedImage;

/**
 * The Deep Zoom pyramid of one slide, laid out as OpenSlide's {@code DeepZoomGenerator} lays it out (without
 * {@code limit_bounds}): level {@code levelCount() - 1} is the slide's level 0 at full resolution, each level below
 * halves it (rounding up) down to 1×1; tiles are {@code tileSize} pixels plus {@code overlap} pixels on each side
 * that has a neighbour. A tile is read from the coarsest slide level whose downsample does not exceed the Deep Zoom
 * level's, at the same slide coordinates DeepZoomGenerator reads, and shrunk by area averaging to its size.
 *
 * <p>Thread-safe: the geometry is immutable, slides are safe to read from several threads at once (the
 * {@link Slide} contract; OpenSlide shares one handle, the TIFF reader pools its readers), and the JPEG encoder pools
 * its writers. The slide stays owned by the caller: this class never closes it.
 */
public final class DeepZoom {

    public static final int DEFAULT_TILE_SIZE = 254;
    public static final int DEFAULT_OVERLAP = 1;
    /** JPEG quality 75, as ImageIO counts it (0..1). */
    public static final float DEFAULT_QUALITY = 0.75f;

    /** Size in pixels of a Deep Zoom level or of one tile. */
    public record Dimensions(long width, long height) {
    }

    /** How many tiles a Deep Zoom level has across and down. */
    public record TileCount(int columns, int rows) {
        public long total() {
            return (long) columns * rows;
        }
    }

    private final Slide slide;
    private final int tileSize;
    private final int overlap;
    private final JpegEncoder jpeg;
    private final long[] widths, heights;
    private final int[] columns, rows;
    private final int[] slideLevel;
    /** Pixels of the chosen slide level per pixel of the Deep Zoom level. */
    private final double[] levelToZoom;

    /** Tiles of 254 px with 1 px overlap, JPEG quality 75: what OpenSeadragon and DeepZoomGenerator use by default. */
    public DeepZoom(Slide slide) {
        this(slide, DEFAULT_TILE_SIZE, DEFAULT_OVERLAP, DEFAULT_QUALITY);
    }

    /**
     * @param tileSize tile side without overlap, at least 1
     * @param overlap  pixels added to each inner edge of a tile, 0 or more
     * @param quality  JPEG quality, 0..1 as ImageIO counts it
     */
    public DeepZoom(Slide slide, int tileSize, int overlap, float quality) {
        if (tileSize < 1) throw new IllegalArgumentException("tile size must be at least 1, got " + tileSize);
        if (overlap < 0) throw new IllegalArgumentException("overlap must not be negative, got " + overlap);
        this.slide = slide;
        this.tileSize = tileSize;
        this.overlap = overlap;
        this.jpeg = new JpegEncoder(quality);

        long w = slide.width(0), h = slide.height(0);
        int count = 1;
        for (long a = w, b = h; a > 1 || b > 1; a = Math.max(1, ceilHalf(a)), b = Math.max(1, ceilHalf(b))) count++;
        widths = new long[count];
        heights = new long[count];
        columns = new int[count];
        rows = new int[count];
        slideLevel = new int[count];
        levelToZoom = new double[count];
        long a = w, b = h;
        for (int level = count - 1; level >= 0; level--) {
            widths[level] = a;
            heights[level] = b;
            columns[level] = Math.toIntExact(ceilDiv(a, tileSize));
            rows[level] = Math.toIntExact(ceilDiv(b, tileSize));
            double downsample = Math.scalb(1.0, count - 1 - level);
            slideLevel[level] = slide.bestLevelForDownsample(downsample);
            levelToZoom[level] = downsample / slide.downsample(slideLevel[level]);
            a = Math.max(1, ceilHalf(a));
            b = Math.max(1, ceilHalf(b));
        }
    }

    public Slide slide() {
        return slide;
    }

    public int tileSize() {
        return tileSize;
    }

    public int overlap() {
        return overlap;
    }

    public int levelCount() {
        return widths.length;
    }

    /** @throws TileNotFoundException when the level does not exist */
    public Dimensions levelDimensions(int level) {
        checkLevel(level);
        return new Dimensions(widths[level], heights[level]);
    }

    /** @throws TileNotFoundException when the level does not exist */
    public TileCount tileCount(int level) {
        checkLevel(level);
        return new TileCount(columns[level], rows[level]);
    }

    /** Total tiles over all levels. */
    public long totalTiles() {
        long total = 0;
        for (int level = 0; level < levelCount(); level++) total += (long) columns[level] * rows[level];
        return total;
    }

    /** The slide level a Deep Zoom level's tiles are read from. */
    public int slideLevel(int level) {
        checkLevel(level);
        return slideLevel[level];
    }

    /**
     * The standard DZI descriptor: tile size, overlap, format {@code jpeg} and the level-0 size of the slide.
     */
    public String dziXml() {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<Image xmlns=\"http://schemas.microsoft.com/deepzoom/2008\" Format=\"jpeg\" Overlap=\"" + overlap
                + "\" TileSize=\"" + tileSize + "\"><Size Height=\"" + heights[levelCount() - 1] + "\" Width=\""
                + widths[levelCount() - 1] + "\"/></Image>\n";
    }

    /**
     * Size in pixels of one tile, overlap included.
     *
     * @throws TileNotFoundException when the level, column or row is outside the pyramid
     */
    public Dimensions tileDimensions(int level, int col, int row) {
        return region(level, col, row).tile;
    }

    /**
     * One tile as JPEG bytes.
     *
     * @throws TileNotFoundException                  when the level, column or row is outside the pyramid
     * @throws io.histoscale.core.UserException when the slide cannot be read there
     */
    public byte[] tile(int level, int col, int row) {
        return jpeg.encode(Resampler.toBgr(tileImage(level, col, row)));
    }

    /**
     * One tile as an RGB image ({@link BufferedImage#TYPE_3BYTE_BGR} when it was resized, else as the slide reader
     * returned it).
     *
     * @throws TileNotFoundException when the level, column or row is outside the pyramid
     */
    public BufferedImage tileImage(int level, int col, int row) {
        Region r = region(level, col, row);
        BufferedImage read = slide.readRegion(r.slideLevel, r.x, r.y, r.width, r.height);
        int w = (int) r.tile.width(), h = (int) r.tile.height();
        return read.getWidth() == w && read.getHeight() == h ? read : Resampler.resize(read, w, h);
    }

    /** What {@link Slide#readRegion} is asked for one tile (level-0 corner, size at the slide level), and the tile size. */
    private record Region(int slideLevel, long x, long y, int width, int height, Dimensions tile) {
    }

    private Region region(int level, int col, int row) {
        checkLevel(level);
        if (col < 0 || col >= columns[level] || row < 0 || row >= rows[level]) {
            throw new TileNotFoundException("Deep Zoom level " + level + " has tiles 0.." + (columns[level] - 1)
                    + " across and 0.." + (rows[level] - 1) + " down, not (" + col + ", " + row + ")");
        }
        int left = col == 0 ? 0 : overlap, top = row == 0 ? 0 : overlap;
        int right = col == columns[level] - 1 ? 0 : overlap, bottom = row == rows[level] - 1 ? 0 : overlap;
        long tileWidth = Math.min(tileSize, widths[level] - (long) tileSize * col) + left + right;
        long tileHeight = Math.min(tileSize, heights[level] - (long) tileSize * row) + top + bottom;
        int sl = slideLevel[level];
        double scale = levelToZoom[level], downsample = slide.downsample(sl);
        // The same floating-point steps as DeepZoomGenerator, so both read the same pixels.
        double lx = scale * ((long) tileSize * col - left), ly = scale * ((long) tileSize * row - top);
        long x0 = (long) (downsample * lx), y0 = (long) (downsample * ly);
        long w = (long) Math.min(Math.ceil(scale * tileWidth), slide.width(sl) - Math.ceil(lx));
        long h = (long) Math.min(Math.ceil(scale * tileHeight), slide.height(sl) - Math.ceil(ly));
        return new Region(sl, x0, y0, (int) Math.max(1, w), (int) Math.max(1, h), new Dimensions(tileWidth, tileHeight));
    }

    private void checkLevel(int level) {
        if (level < 0 || level >= levelCount()) {
            throw new TileNotFoundException("Deep Zoom level " + level + " does not exist: the levels are 0.."
                    + (levelCount() - 1));
        }
    }

    private static long ceilHalf(long v) {
        return (v + 1) / 2;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
