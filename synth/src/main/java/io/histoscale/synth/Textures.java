package io.histoscale.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.CubicCurve2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Periodic texture tables sampled per pixel, far cheaper than evaluating noise per pixel: collagen fibres for the
 * stroma, fine grain for chromatin, ragged nuclear outlines and stain speckle. They depend only on the MPP, so they
 * are drawn once per MPP and shared; slides differ through their own offsets into them, layout and stain.
 */
final class Textures {
    static final int GRAIN_SIZE = 256;
    /** Side of the fibre table in micrometres, about; it repeats after that. */
    private static final double FIBRE_PERIOD_UM = 512;
    private static final Map<Double, Textures> CACHE = new ConcurrentHashMap<>();

    /** Side of the fibre table, a power of two. */
    final int fibreSize;
    /** Collagen density in [0, 1], row-major {@code fibreSize} x {@code fibreSize}. */
    final float[] fibre;
    /** Zero-mean pixel noise in [-0.5, 0.5], row-major {@link #GRAIN_SIZE} x {@link #GRAIN_SIZE}. */
    final float[] grain;
    /** Like {@link #grain} but blurred into blotches a few pixels wide, for chromatin clumps and nuclear outlines. */
    final float[] mottle;

    private Textures(double mpp) {
        fibreSize = Math.max(256, Math.min(2048, Integer.highestOneBit((int) (FIBRE_PERIOD_UM / mpp))));
        SplittableRandom random = new SplittableRandom(0x7E87);
        fibre = fibres(random, fibreSize, mpp);
        grain = new float[GRAIN_SIZE * GRAIN_SIZE];
        for (int i = 0; i < grain.length; i++) grain[i] = (float) random.nextDouble() - 0.5f;
        mottle = normalised(blur(blur(grain)));
    }

    static Textures forMpp(double mpp) {
        return CACHE.computeIfAbsent(mpp, Textures::new);
    }

    /** 3 x 3 box blur that wraps around the edges. */
    private static float[] blur(float[] src) {
        float[] dst = new float[src.length];
        int mask = GRAIN_SIZE - 1;
        for (int y = 0; y < GRAIN_SIZE; y++) {
            for (int x = 0; x < GRAIN_SIZE; x++) {
                float sum = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) sum += src[((y + dy) & mask) * GRAIN_SIZE + ((x + dx) & mask)];
                }
                dst[y * GRAIN_SIZE + x] = sum / 9;
            }
        }
        return dst;
    }

    /** Stretched to span [-0.5, 0.5]. */
    private static float[] normalised(float[] values) {
        float largest = 0;
        for (float v : values) largest = Math.max(largest, Math.abs(v));
        for (int i = 0; i < values.length; i++) values[i] *= 0.5f / largest;
        return values;
    }

    /**
     * Many thin, gently curved, translucent strokes whose direction follows a smooth field, so they gather into
     * wavy bundles running different ways in different places. Strokes crossing the border are drawn again on the
     * opposite side to keep the table seamless.
     */
    private static float[] fibres(SplittableRandom random, int size, double mpp) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        long directionSeed = random.nextLong();
        double covered = 0, target = 1.5 * size * size;
        while (covered < target) {
            double x = random.nextDouble(size), y = random.nextDouble(size);
            double angle = 0.8 * Math.PI * Noise.periodicValue(directionSeed, 2.0 * x / size, 2.0 * y / size, 2)
                    + 0.12 * random.nextGaussian();
            double length = (25 + 110 * random.nextDouble()) / mpp, width = Math.max(0.8, (1.0 + 3.0 * Math.pow(random.nextDouble(), 2)) / mpp);
            double dx = Math.cos(angle) * length / 2, dy = Math.sin(angle) * length / 2;
            double bend1 = random.nextDouble(-0.4, 0.4) * length, bend2 = random.nextDouble(-0.4, 0.4) * length;
            CubicCurve2D curve = new CubicCurve2D.Double(x - dx, y - dy,
                    x - dx / 3 - dy / length * bend1, y - dy / 3 + dx / length * bend1,
                    x + dx / 3 - dy / length * bend2, y + dy / 3 + dx / length * bend2, x + dx, y + dy);
            g.setStroke(new BasicStroke((float) width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.setColor(new Color(255, 255, 255, 35 + random.nextInt(75)));
            Rectangle2D bounds = curve.getBounds2D();
            for (int ox = -size; ox <= size; ox += size) {
                for (int oy = -size; oy <= size; oy += size) {
                    if (!bounds.intersects(-ox - width, -oy - width, size + 2 * width, size + 2 * width)) continue;
                    g.setTransform(AffineTransform.getTranslateInstance(ox, oy));
                    g.draw(curve);
                }
            }
            covered += length * width;
        }
        g.dispose();
        byte[] gray = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        float[] table = new float[gray.length];
        for (int i = 0; i < gray.length; i++) table[i] = (gray[i] & 0xFF) / 255f;
        return table;
    }
}
