package io.histoscale.slide.tiff;

import com.twelvemonkeys.imageio.plugins.tiff.TIFFImageReaderSpi;
import io.histoscale.core.UserException;
import io.histoscale.slide.AbstractSlide;
import io.histoscale.slide.SlideBackend;
import io.histoscale.slide.UnsupportedSlideException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.Rectangle;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A slide read in pure Java from a TIFF file: Aperio SVS and tiled pyramidal TIFF (JPEG, LZW, Deflate, PackBits or
 * uncompressed tiles). Pixels match OpenSlide's exactly wherever OpenSlide does not interpolate (see {@link #read}).
 *
 * <p>ImageIO readers are not thread-safe, so each reading thread borrows its own readers, with their own file
 * streams, from a pool that grows to the number of threads reading at once.
 */
public final class TiffSlide extends AbstractSlide {

    /** What slides read by the pure-Java TIFF reader report as their {@link #backend()}. */
    public static final SlideBackend BACKEND = new SlideBackend("tiff");

    private static final int WHITE = 0xFFFFFF;

    private final TiffLayout layout;
    private final Deque<Readers> idle = new ConcurrentLinkedDeque<>();

    private TiffSlide(Path path, TiffLayout layout) {
        super(path, layout.format(), layout.levelSizes(), layout.properties(), layout.associatedImages().keySet());
        this.layout = layout;
    }

    /** What the TIFF reader reads, for messages. */
    static final String FORMATS = "Aperio SVS and tiled pyramidal TIFF (JPEG, LZW, Deflate, PackBits or uncompressed"
            + " tiles)";

    /**
     * Opens an Aperio SVS or tiled pyramidal TIFF file.
     *
     * @throws UnsupportedSlideException when the file is not one the TIFF reader reads (not a TIFF, a format such as
     *                                   NDPI, a compression it cannot decode), so another reader may try
     * @throws UserException             when the file is missing, truncated or corrupt
     */
    public static TiffSlide open(Path path) {
        checkFile(path);
        return new TiffSlide(path, TiffLayout.read(path).orElseThrow(() -> new UnsupportedSlideException(path
                + " is not a slide the TIFF reader can read: it is " + describeContent(path).orElse("not a TIFF file")
                + ". Check that it is a whole-slide image; the TIFF reader reads " + FORMATS + " only.")));
    }

    /** Whether the file starts as a TIFF (classic or BigTIFF) does. */
    public static boolean isTiff(Path path) {
        return TiffLayout.isTiff(path);
    }

    @Override
    public SlideBackend backend() {
        return BACKEND;
    }

    /**
     * Reads the pixels of {@code level} from {@code (x, y) / downsample}, rounded to the nearest pixel. OpenSlide
     * instead interpolates between pixels when that position is fractional, so the two agree exactly when {@code x}
     * and {@code y} are multiples of the downsample (always on level 0).
     */
    @Override
    protected BufferedImage read(int level, long x, long y, int w, int h) {
        TiffLayout.Page page = layout.levels().get(level);
        long left = Math.round(x / downsample(level));
        long top = Math.round(y / downsample(level));
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] rgb = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();

        long x0 = Math.max(left, 0);
        long y0 = Math.max(top, 0);
        long x1 = Math.min(left + w, page.width());
        long y1 = Math.min(top + h, page.height());
        if (x1 - x0 < w || y1 - y0 < h) {
            Arrays.fill(rgb, WHITE);
        }
        if (x0 < x1 && y0 < y1) {
            Rectangle inside = new Rectangle((int) x0, (int) y0, (int) (x1 - x0), (int) (y1 - y0));
            BufferedImage decoded = decode(page, inside, "level " + level + " region " + w + "x" + h
                    + " at (" + x + ", " + y + ")");
            copyRgb(decoded, rgb, w, (int) (x0 - left), (int) (y0 - top));
        }
        return image;
    }

    @Override
    protected BufferedImage readAssociatedImage(String name) {
        BufferedImage decoded = decode(layout.associatedImages().get(name), null, "associated image " + name);
        BufferedImage image = new BufferedImage(decoded.getWidth(), decoded.getHeight(), BufferedImage.TYPE_INT_RGB);
        copyRgb(decoded, ((DataBufferInt) image.getRaster().getDataBuffer()).getData(), decoded.getWidth(), 0, 0);
        return image;
    }

    @Override
    protected void release() {
        for (Readers readers; (readers = idle.poll()) != null; ) {
            readers.dispose();
        }
    }

    /** Decodes a region of a page (the whole page when {@code region} is null) as the file stores it. */
    private BufferedImage decode(TiffLayout.Page page, Rectangle region, String what) {
        Readers readers = Objects.requireNonNullElseGet(idle.poll(), Readers::new);
        try {
            // TwelveMonkeys decodes JPEG tiles as libjpeg does for OpenSlide, but in 3.14.0 its region reads of other
            // compressions fail; the JDK reader reads those right but takes Aperio's RGB JPEG tiles for YCbCr.
            boolean jdk = region != null && page.compression() != TiffLayout.COMPRESSION_JPEG;
            ImageReader reader = jdk ? readers.jdk() : readers.twelveMonkeys();
            ImageReadParam param = reader.getDefaultReadParam();
            param.setSourceRegion(region);
            BufferedImage image = reader.read(page.index(), param);
            idle.push(readers);
            return image;
        } catch (IOException | RuntimeException e) {
            readers.dispose();
            throw unreadable(what, e);
        }
    }

    /**
     * Copies decoded samples into {@code rgb} (row length {@code width}) at {@code (dx, dy)}. RGB and grey samples are
     * taken as stored, ignoring any embedded colour profile as OpenSlide does; other layouts go through their colour
     * model.
     */
    private static void copyRgb(BufferedImage image, int[] rgb, int width, int dx, int dy) {
        Raster raster = image.getRaster();
        int w = raster.getWidth();
        int h = raster.getHeight();
        if (raster.getDataBuffer() instanceof DataBufferByte buffer
                && raster.getSampleModel() instanceof PixelInterleavedSampleModel model
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
                && isRgbOrGrey(image.getColorModel().getColorSpace().getType(), model.getNumBands())) {
            byte[] data = buffer.getData();
            int[] offsets = model.getBandOffsets();
            int r = offsets[0];
            int g = offsets[model.getNumBands() >= 3 ? 1 : 0];
            int b = offsets[model.getNumBands() >= 3 ? 2 : 0];
            int pixelStride = model.getPixelStride();
            for (int row = 0; row < h; row++) {
                int source = row * model.getScanlineStride();
                int target = (dy + row) * width + dx;
                for (int col = 0; col < w; col++, source += pixelStride) {
                    rgb[target + col] = (data[source + r] & 0xFF) << 16 | (data[source + g] & 0xFF) << 8
                            | data[source + b] & 0xFF;
                }
            }
        } else {
            for (int row = 0; row < h; row++) {
                int target = (dy + row) * width + dx;
                image.getRGB(0, row, w, 1, rgb, target, w);
                for (int col = 0; col < w; col++) {
                    rgb[target + col] &= WHITE;
                }
            }
        }
    }

    private static boolean isRgbOrGrey(int colorSpace, int bands) {
        return colorSpace == ColorSpace.TYPE_RGB && bands >= 3 || colorSpace == ColorSpace.TYPE_GRAY && bands == 1;
    }

    /** One thread's readers, each with its own stream on the file; created when first needed. */
    private final class Readers {
        private ImageReader twelveMonkeys;
        private ImageReader jdk;

        ImageReader twelveMonkeys() throws IOException {
            if (twelveMonkeys == null) {
                twelveMonkeys = withInput(new TIFFImageReaderSpi().createReaderInstance());
            }
            return twelveMonkeys;
        }

        ImageReader jdk() throws IOException {
            if (jdk == null) {
                for (Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("tiff"); it.hasNext(); ) {
                    ImageReader reader = it.next();
                    if (reader.getClass().getName().startsWith("com.sun.imageio.plugins.tiff.")) {
                        jdk = withInput(reader);
                        break;
                    }
                }
                if (jdk == null) {
                    throw new IOException("the JDK's TIFF reader is missing");
                }
            }
            return jdk;
        }

        private ImageReader withInput(ImageReader reader) throws IOException {
            ImageInputStream input = ImageIO.createImageInputStream(path().toFile());
            if (input == null) {
                throw new IOException("cannot open " + path());
            }
            reader.setInput(input, false, true);
            return reader;
        }

        void dispose() {
            for (ImageReader reader : new ImageReader[] {twelveMonkeys, jdk}) {
                if (reader != null) {
                    try {
                        ((ImageInputStream) reader.getInput()).close();
                    } catch (IOException e) {
                        // Closing a read-only stream loses nothing.
                    }
                    reader.dispose();
                }
            }
        }
    }
}
