package io.histoscale.dataset;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/** Conversions between images and the HWC uint8 layout patches are stored and trained in. */
public final class Pixels {
    private Pixels() {
    }

    /**
     * The RGB pixels of {@code image} as HWC uint8; transparency is composited over white, as slide readers do
     * outside the scanned area.
     */
    public static byte[] rgb(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        BufferedImage bgr = image;
        boolean plainBgr = image.getType() == BufferedImage.TYPE_3BYTE_BGR && image.getRaster().getParent() == null
                && image.getRaster().getDataBuffer().getSize() == w * h * 3;
        if (!plainBgr) {
            bgr = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = bgr.createGraphics();
            g.drawImage(image, 0, 0, Color.WHITE, null);
            g.dispose();
        }
        byte[] src = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        byte[] rgb = new byte[w * h * 3];
        for (int p = 0; p < rgb.length; p += 3) {
            rgb[p] = src[p + 2];
            rgb[p + 1] = src[p + 1];
            rgb[p + 2] = src[p];
        }
        return rgb;
    }

    /** An image of HWC uint8 pixels with one (grey) or three (RGB) channels. */
    public static BufferedImage toImage(byte[] hwc, int width, int height, int channels) {
        if (hwc.length != width * height * channels) {
            throw new IllegalArgumentException(hwc.length + " bytes are not " + width + "x" + height + "x" + channels);
        }
        if (channels == 1) {
            BufferedImage grey = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
            grey.getRaster().setDataElements(0, 0, width, height, hwc);
            return grey;
        }
        if (channels != 3) throw new IllegalArgumentException("Only 1 or 3 channels make an image, not " + channels);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int p = 0; p < bgr.length; p += 3) {
            bgr[p] = hwc[p + 2];
            bgr[p + 1] = hwc[p + 1];
            bgr[p + 2] = hwc[p];
        }
        return image;
    }
}
