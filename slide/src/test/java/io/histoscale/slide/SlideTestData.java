package io.histoscale.slide;

import io.histoscale.slide.openslide.OpenSlideSlide;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.plugins.tiff.TIFFTag;
import javax.imageio.plugins.tiff.TIFFTagSet;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real sample slides (skipping when absent) and small synthetic pyramids written like HistoScale's own. */
public final class SlideTestData {

    public static final String CMU_1 = "CMU-1-Small-Region.svs";
    public static final String BOXES = "openslide-python-boxes.tiff";
    public static final String SMALL_SVS = "openslide-python-small.svs";
    public static final String NDPI = "test3-DAPI-2-(387).ndpi";

    private SlideTestData() {
    }

    /** The shared sample-slide folder; skips the test when it is absent. */
    public static Path sharedSlides() {
        Path dir = Path.of(System.getProperty("histoscale.shared.data", "../../shared/data")).resolve("slides");
        assumeTrue(Files.isDirectory(dir), "no sample slides at " + dir.toAbsolutePath());
        return dir;
    }

    /** One shared sample slide; skips the test when it is absent. */
    public static Path sharedSlide(String name) {
        Path file = sharedSlides().resolve(name);
        assumeTrue(Files.isRegularFile(file), "no sample slide " + file.toAbsolutePath());
        return file;
    }

    /** Skips the test unless the native OpenSlide library loads. */
    public static void assumeOpenSlide() {
        assumeTrue(OpenSlideSlide.isAvailable(), "OpenSlide (libopenslide0) is not installed");
    }

    /** Fails, naming the first differing pixel, unless both images have the same size and RGB values. */
    public static void assertSameRgb(BufferedImage actual, BufferedImage expected, String what) {
        assertThat(actual.getWidth()).as(what + " width").isEqualTo(expected.getWidth());
        assertThat(actual.getHeight()).as(what + " height").isEqualTo(expected.getHeight());
        int[] ours = rgb(actual);
        int[] theirs = rgb(expected);
        int differing = 0;
        int first = -1;
        for (int i = 0; i < ours.length; i++) {
            if (ours[i] != theirs[i]) {
                differing++;
                first = first < 0 ? i : first;
            }
        }
        if (differing > 0) {
            int w = actual.getWidth();
            fail("%s: %d of %d pixels differ, first at (%d, %d): #%06x instead of #%06x", what, differing, ours.length,
                    first % w, first / w, ours[first] & 0xFFFFFF, theirs[first] & 0xFFFFFF);
        }
    }

    /** The RGB of every pixel, row by row. */
    public static int[] rgb(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    /**
     * Writes a two-level pyramid (600x500 and 300x250, 128-pixel JPEG tiles) with the JDK's TIFF writer, with an
     * Aperio description saying 20x and 0.5 µm/px.
     */
    public static Path writePyramid(Path file, ByteOrder byteOrder) throws IOException {
        ImageWriter writer = jdkTiffWriter();
        Files.deleteIfExists(file);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(streamMetadata(writer, byteOrder));
            for (int level = 0; level < 2; level++) {
                BufferedImage image = tissueLike(600 >> level, 500 >> level);
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
                param.setTiling(128, 128, 0, 0);
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionType("JPEG");
                param.setCompressionQuality(0.9f);
                String description = "Aperio Image Library HistoScale test\r\n" + image.getWidth() + "x"
                        + image.getHeight() + "|AppMag = 20|MPP = 0.5";
                writer.writeToSequence(new IIOImage(image, null, imageMetadata(description)), param);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return file;
    }

    private static ImageWriter jdkTiffWriter() {
        for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("tiff"); it.hasNext(); ) {
            ImageWriter writer = it.next();
            if (writer.getClass().getName().startsWith("com.sun.imageio.plugins.tiff.")) {
                return writer;
            }
        }
        throw new IllegalStateException("The JDK's TIFF writer is missing");
    }

    private static IIOMetadata streamMetadata(ImageWriter writer, ByteOrder byteOrder) throws IOException {
        IIOMetadata metadata = writer.getDefaultStreamMetadata(null);
        String format = metadata.getNativeMetadataFormatName();
        IIOMetadataNode root = new IIOMetadataNode(format);
        IIOMetadataNode order = new IIOMetadataNode("ByteOrder");
        order.setAttribute("value", byteOrder == ByteOrder.LITTLE_ENDIAN ? "LITTLE_ENDIAN" : "BIG_ENDIAN");
        root.appendChild(order);
        metadata.mergeTree(format, root);
        return metadata;
    }

    private static IIOMetadata imageMetadata(String description) {
        TIFFDirectory directory = new TIFFDirectory(new TIFFTagSet[] {BaselineTIFFTagSet.getInstance()}, null);
        TIFFTag tag = BaselineTIFFTagSet.getInstance().getTag(BaselineTIFFTagSet.TAG_IMAGE_DESCRIPTION);
        directory.addTIFFField(new TIFFField(tag, TIFFTag.TIFF_ASCII, 1, new String[] {description}));
        return directory.getAsMetadata();
    }

    /** Pink stroma with purple nuclei on a white background, drawn at any size. */
    private static BufferedImage tissueLike(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(242, 240, 244));
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(214, 140, 190));
        g.fillOval(w / 6, h / 6, w * 2 / 3, h * 2 / 3);
        g.setColor(new Color(90, 40, 150));
        for (int i = 0; i < 60; i++) {
            g.fillOval(i * 37 % w, i * 53 % h, Math.max(2, w / 50), Math.max(2, h / 40));
        }
        g.dispose();
        return image;
    }
}
