package io.histoscale.synth;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.plugins.tiff.TIFFTag;
import javax.imageio.stream.FileImageOutputStream;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Point;
import java.awt.Rectangle;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Vector;

/**
 * Writes a pyramidal TIFF that OpenSlide opens as an Aperio slide: one JPEG-tiled page per level, little-endian
 * (OpenSlide 3.4.1 rejects big-endian files, the JDK writer's default), an Aperio ImageDescription on the first page.
 *
 * <p>Level 0 is rendered tile by tile while the JDK writer pulls it, and each tile is box-averaged on the spot into
 * level 1, the only level held whole in memory (1/16 of level 0). Coarser levels are box-averaged from the one above.
 * Levels shrink by 4 until one fits in {@link #TOP_LEVEL_MAX_PX}.
 */
final class PyramidTiffWriter {
    static final int DOWNSAMPLE = 4;
    static final int TOP_LEVEL_MAX_PX = 1024;
    private static final int TILE = TileRenderer.TILE;
    private static final float JPEG_QUALITY = 0.9f;
    private static final String STREAM_FORMAT = "javax_imageio_tiff_stream_1.0";
    private static final ColorModel RGB = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB),
            false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);

    private PyramidTiffWriter() {
    }

    /** Level sizes as {width, height}, level 0 first. */
    static List<int[]> levelSizes(int width, int height) {
        List<int[]> sizes = new ArrayList<>(List.of(new int[]{width, height}));
        while (Math.max(width, height) > TOP_LEVEL_MAX_PX) {
            width = ceilDiv(width, DOWNSAMPLE);
            height = ceilDiv(height, DOWNSAMPLE);
            sizes.add(new int[]{width, height});
        }
        return sizes;
    }

    static void write(Path file, int width, int height, String description, TileRenderer renderer) throws IOException {
        List<int[]> sizes = levelSizes(width, height);
        Level0 level0 = new Level0(width, height, renderer, sizes.size() > 1);
        ImageWriter writer = tilingTiffWriter();
        // The JDK writer appends to an existing TIFF instead of replacing it.
        Files.deleteIfExists(file);
        try (ImageOutputStream out = new FileImageOutputStream(file.toFile())) {
            out.setByteOrder(ByteOrder.LITTLE_ENDIAN);
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
            param.setTiling(TILE, TILE, 0, 0);
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionType("JPEG");
            param.setCompressionQuality(JPEG_QUALITY);
            writer.prepareWriteSequence(littleEndian(writer, param));

            writer.writeToSequence(new IIOImage(level0, null, metadata(writer, level0, param, description)), param);
            byte[] pixels = level0.level1;
            for (int level = 1; level < sizes.size(); level++) {
                if (level > 1) pixels = shrink(pixels, sizes.get(level - 1), sizes.get(level));
                BufferedImage image = image(pixels, sizes.get(level));
                writer.writeToSequence(new IIOImage(image, null, metadata(writer, image, param, null)), param);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
    }

    /** The JDK's TIFF writer; TwelveMonkeys', also on the class path through the slide module, cannot write tiles. */
    private static ImageWriter tilingTiffWriter() {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("tiff");
        while (writers.hasNext()) {
            ImageWriter writer = writers.next();
            if (writer.getDefaultWriteParam().canWriteTiles()) return writer;
            writer.dispose();
        }
        throw new IllegalStateException("no tiling TIFF writer in this Java runtime (the JDK's own comes with Java 9+)");
    }

    private static IIOMetadata littleEndian(ImageWriter writer, ImageWriteParam param) throws IOException {
        IIOMetadata stream = writer.getDefaultStreamMetadata(param);
        IIOMetadataNode root = new IIOMetadataNode(STREAM_FORMAT), order = new IIOMetadataNode("ByteOrder");
        order.setAttribute("value", "LITTLE_ENDIAN");
        root.appendChild(order);
        stream.mergeTree(STREAM_FORMAT, root);
        return stream;
    }

    private static IIOMetadata metadata(ImageWriter writer, RenderedImage image, ImageWriteParam param, String description) {
        IIOMetadata defaults = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
        if (description == null) return defaults;
        try {
            TIFFDirectory directory = TIFFDirectory.createFromMetadata(defaults);
            TIFFTag tag = BaselineTIFFTagSet.getInstance().getTag(BaselineTIFFTagSet.TAG_IMAGE_DESCRIPTION);
            directory.addTIFFField(new TIFFField(tag, TIFFTag.TIFF_ASCII, 1, new String[]{description}));
            return directory.getAsMetadata();
        } catch (IOException e) {
            throw new IllegalStateException("the JDK TIFF writer's own metadata did not convert", e);
        }
    }

    private static SampleModel sampleModel(int width, int height) {
        return new PixelInterleavedSampleModel(DataBuffer.TYPE_BYTE, width, height, 3, 3 * width, new int[]{0, 1, 2});
    }

    private static BufferedImage image(byte[] rgb, int[] size) {
        WritableRaster raster = Raster.createWritableRaster(sampleModel(size[0], size[1]), new DataBufferByte(rgb, rgb.length), null);
        return new BufferedImage(RGB, raster, false, null);
    }

    /** Box average by {@link #DOWNSAMPLE}; blocks cut by the right or bottom edge average the pixels they have. */
    private static byte[] shrink(byte[] src, int[] from, int[] to) {
        byte[] dst = new byte[to[0] * to[1] * 3];
        for (int y = 0; y < to[1]; y++) {
            for (int x = 0; x < to[0]; x++) {
                int r = 0, g = 0, b = 0, n = 0;
                for (int sy = y * DOWNSAMPLE; sy < Math.min(from[1], (y + 1) * DOWNSAMPLE); sy++) {
                    for (int sx = x * DOWNSAMPLE; sx < Math.min(from[0], (x + 1) * DOWNSAMPLE); sx++) {
                        int i = (sy * from[0] + sx) * 3;
                        r += src[i] & 0xFF;
                        g += src[i + 1] & 0xFF;
                        b += src[i + 2] & 0xFF;
                        n++;
                    }
                }
                int o = (y * to[0] + x) * 3;
                dst[o] = (byte) ((r + n / 2) / n);
                dst[o + 1] = (byte) ((g + n / 2) / n);
                dst[o + 2] = (byte) ((b + n / 2) / n);
            }
        }
        return dst;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /**
     * Level 0 as an image that renders its tiles when the writer asks for them and leaves level 1 behind. Every tile is
     * rendered whole, also beyond the slide's edge (plain glass there), so level 1 needs no edge special case.
     */
    private static final class Level0 implements RenderedImage {
        private final int width, height;
        private final TileRenderer renderer;
        private final int[] tile = new int[TILE * TILE];
        private int renderedX = -1, renderedY = -1;
        /** Level 1, packed RGB bytes, or null for a one-level slide. */
        final byte[] level1;
        private final int level1Width, level1Height;

        Level0(int width, int height, TileRenderer renderer, boolean keepLevel1) {
            this.width = width;
            this.height = height;
            this.renderer = renderer;
            this.level1Width = ceilDiv(width, DOWNSAMPLE);
            this.level1Height = ceilDiv(height, DOWNSAMPLE);
            this.level1 = keepLevel1 ? new byte[level1Width * level1Height * 3] : null;
        }

        @Override
        public Raster getData(Rectangle rect) {
            WritableRaster raster = Raster.createWritableRaster(sampleModel(rect.width, rect.height), new Point(rect.x, rect.y));
            byte[] out = ((DataBufferByte) raster.getDataBuffer()).getData();
            for (int ty = rect.y / TILE * TILE; ty < rect.y + rect.height; ty += TILE) {
                for (int tx = rect.x / TILE * TILE; tx < rect.x + rect.width; tx += TILE) {
                    renderTile(tx, ty);
                    int left = Math.max(rect.x, tx), right = Math.min(rect.x + rect.width, tx + TILE);
                    int top = Math.max(rect.y, ty), bottom = Math.min(rect.y + rect.height, ty + TILE);
                    for (int y = top; y < bottom; y++) {
                        int o = ((y - rect.y) * rect.width + left - rect.x) * 3, t = (y - ty) * TILE + left - tx;
                        for (int x = left; x < right; x++, t++) {
                            int rgb = tile[t];
                            out[o++] = (byte) (rgb >> 16);
                            out[o++] = (byte) (rgb >> 8);
                            out[o++] = (byte) rgb;
                        }
                    }
                }
            }
            return raster;
        }

        private void renderTile(int tx, int ty) {
            if (tx == renderedX && ty == renderedY) return;
            renderer.render(tx, ty, tile);
            renderedX = tx;
            renderedY = ty;
            if (level1 != null) addToLevel1(tx, ty);
        }

        private void addToLevel1(int tx, int ty) {
            int small = TILE / DOWNSAMPLE, x1 = tx / DOWNSAMPLE, y1 = ty / DOWNSAMPLE;
            for (int y = 0; y < small && y1 + y < level1Height; y++) {
                for (int x = 0; x < small && x1 + x < level1Width; x++) {
                    int r = 0, g = 0, b = 0;
                    for (int sy = 0; sy < DOWNSAMPLE; sy++) {
                        int t = (y * DOWNSAMPLE + sy) * TILE + x * DOWNSAMPLE;
                        for (int sx = 0; sx < DOWNSAMPLE; sx++, t++) {
                            r += tile[t] >> 16 & 0xFF;
                            g += tile[t] >> 8 & 0xFF;
                            b += tile[t] & 0xFF;
                        }
                    }
                    int n = DOWNSAMPLE * DOWNSAMPLE, o = ((y1 + y) * level1Width + x1 + x) * 3;
                    level1[o] = (byte) ((r + n / 2) / n);
                    level1[o + 1] = (byte) ((g + n / 2) / n);
                    level1[o + 2] = (byte) ((b + n / 2) / n);
                }
            }
        }

        @Override
        public Raster getTile(int tileX, int tileY) {
            int x = tileX * TILE, y = tileY * TILE;
            return getData(new Rectangle(x, y, Math.min(TILE, width - x), Math.min(TILE, height - y)));
        }

        @Override
        public Raster getData() {
            return getData(new Rectangle(0, 0, width, height));
        }

        @Override
        public WritableRaster copyData(WritableRaster target) {
            Rectangle bounds = target == null ? new Rectangle(0, 0, width, height) : target.getBounds();
            Raster data = getData(bounds);
            if (target == null) return (WritableRaster) data;
            target.setRect(data);
            return target;
        }

        @Override public Vector<RenderedImage> getSources() { return null; }
        @Override public Object getProperty(String name) { return java.awt.Image.UndefinedProperty; }
        @Override public String[] getPropertyNames() { return null; }
        @Override public ColorModel getColorModel() { return RGB; }
        @Override public SampleModel getSampleModel() { return sampleModel(TILE, TILE); }
        @Override public int getWidth() { return width; }
        @Override public int getHeight() { return height; }
        @Override public int getMinX() { return 0; }
        @Override public int getMinY() { return 0; }
        @Override public int getNumXTiles() { return ceilDiv(width, TILE); }
        @Override public int getNumYTiles() { return ceilDiv(height, TILE); }
        @Override public int getMinTileX() { return 0; }
        @Override public int getMinTileY() { return 0; }
        @Override public int getTileWidth() { return TILE; }
        @Override public int getTileHeight() { return TILE; }
        @Override public int getTileGridXOffset() { return 0; }
        @Override public int getTileGridYOffset() { return 0; }
    }
}
