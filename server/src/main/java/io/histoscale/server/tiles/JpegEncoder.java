package io.histoscale.server.tiles;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Deque;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Encodes JPEG with the JDK's own ImageIO writer (native libjpeg; TwelveMonkeys' writer, also on the class path, only
 * wraps it). ImageIO writers are not thread-safe, so each encoding thread borrows one from a pool that grows to the
 * number of threads encoding at once. Output goes to memory: no ImageIO disk cache.
 */
final class JpegEncoder {

    private final float quality;
    private final Deque<ImageWriter> idle = new ConcurrentLinkedDeque<>();

    /** @param quality 0..1, as ImageIO takes it (0.75 is libjpeg's and Pillow's quality 75) */
    JpegEncoder(float quality) {
        if (!(quality > 0 && quality <= 1)) throw new IllegalArgumentException("JPEG quality must be in (0, 1], got " + quality);
        this.quality = quality;
    }

    float quality() {
        return quality;
    }

    /** JPEG bytes of an RGB image ({@link BufferedImage#TYPE_3BYTE_BGR} is encoded without a conversion). */
    byte[] encode(BufferedImage image) {
        ImageWriter writer = idle.poll();
        if (writer == null) writer = newWriter();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
            writer.setOutput(null);
        } catch (IOException | RuntimeException e) {
            writer.dispose();
            writer = null;
            if (e instanceof IOException io) throw new UncheckedIOException("cannot encode a JPEG tile", io);
            throw (RuntimeException) e;
        } finally {
            if (writer != null) idle.push(writer);
        }
        return bytes.toByteArray();
    }

    private static ImageWriter newWriter() {
        ImageWriter any = null;
        for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext(); ) {
            ImageWriter w = it.next();
            if (w.getClass().getName().startsWith("com.sun.imageio.plugins.jpeg.")) {
                if (any != null) any.dispose();
                return w;
            }
            if (any == null) any = w;
            else w.dispose();
        }
        if (any == null) throw new IllegalStateException("no JPEG writer is registered with ImageIO");
        return any;
    }
}
