package io.histoscale.staging;

import org.locationtech.jts.awt.ShapeWriter;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * A slide thumbnail with its heatmap laid over it, for people to look at: each valid cell is tinted from blue (0)
 * through yellow (0.5) to red (1), more opaque the higher its probability, so tissue stays visible where the model
 * sees nothing; lesions are outlined in black. {@link #withScale} adds the colour scale under it.
 */
public final class HeatmapOverlay {
    private static final float[] STOPS = {0f, 0.35f, 0.5f, 0.75f, 1f};
    private static final int[][] COLOURS = {{40, 70, 200}, {60, 190, 200}, {250, 230, 80}, {250, 130, 30}, {200, 20, 30}};
    private static final int LEGEND_HEIGHT = 40;

    private HeatmapOverlay() {
    }

    /**
     * @param thumbnail  the slide shrunk by {@code downsample}, its top-left at level-0 (0, 0); not changed
     * @param downsample level-0 pixels per thumbnail pixel
     * @param lesions    outlined; may be empty
     * @return a new RGB image of the thumbnail's size
     */
    public static BufferedImage render(BufferedImage thumbnail, double downsample, Heatmap heatmap, List<Lesion> lesions) {
        if (!(downsample > 0)) throw new IllegalArgumentException("downsample " + downsample);
        int w = thumbnail.getWidth(), h = thumbnail.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        HeatmapGeometry g = heatmap.geometry();
        int[] column = new int[w];
        for (int x = 0; x < w; x++) column[x] = (int) Math.floor(((x + 0.5) * downsample - g.originX()) / g.cellSize());
        for (int y = 0; y < h; y++) {
            int row = (int) Math.floor(((y + 0.5) * downsample - g.originY()) / g.cellSize());
            for (int x = 0; x < w; x++) {
                int rgb = thumbnail.getRGB(x, y) & 0xffffff, c = column[x];
                if (row >= 0 && row < g.rows() && c >= 0 && c < g.columns() && heatmap.isValid(c, row)) {
                    float p = heatmap.get(c, row);
                    rgb = blend(rgb, colour(p), 0.15 + 0.6 * p);
                }
                out.setRGB(x, y, rgb);
            }
        }
        Graphics2D graphics = out.createGraphics();
        graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        ShapeWriter shapes = new ShapeWriter((from, to) -> to.setLocation(from.x / downsample, from.y / downsample));
        graphics.setColor(Color.BLACK);
        graphics.setStroke(new BasicStroke(1.5f));
        for (Lesion lesion : lesions) graphics.draw(shapes.toShape(lesion.outline()));
        graphics.dispose();
        return out;
    }

    /** A copy of {@code overlay} with the colour scale in a white strip of {@value #LEGEND_HEIGHT} pixels under it. */
    public static BufferedImage withScale(BufferedImage overlay) {
        int w = overlay.getWidth(), h = overlay.getHeight();
        BufferedImage out = new BufferedImage(w, h + LEGEND_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = out.createGraphics();
        graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        graphics.drawImage(overlay, 0, 0, null);
        legend(graphics, w, h);
        graphics.dispose();
        return out;
    }

    /** The colour scale as a CSS gradient from 0 (left) to 1 (right), for reports. */
    static String cssGradient() {
        StringBuilder css = new StringBuilder("linear-gradient(to right");
        for (int i = 0; i < STOPS.length; i++) {
            css.append(String.format(Locale.ROOT, ", rgb(%d, %d, %d) %.0f%%", COLOURS[i][0], COLOURS[i][1], COLOURS[i][2], STOPS[i] * 100));
        }
        return css.append(')').toString();
    }

    /** Colour of a probability on the scale, packed 0xRRGGBB. */
    public static int colour(double p) {
        double v = Math.max(0, Math.min(1, p));
        int i = 0;
        while (i < STOPS.length - 2 && v > STOPS[i + 1]) i++;
        double t = (v - STOPS[i]) / (STOPS[i + 1] - STOPS[i]);
        int rgb = 0;
        for (int ch = 0; ch < 3; ch++) rgb = rgb << 8 | (int) Math.round(COLOURS[i][ch] + t * (COLOURS[i + 1][ch] - COLOURS[i][ch]));
        return rgb;
    }

    private static void legend(Graphics2D graphics, int width, int top) {
        graphics.setColor(Color.WHITE);
        graphics.fillRect(0, top, width, LEGEND_HEIGHT);
        int left = 8, bar = Math.max(10, Math.min(200, width - 2 * left));
        for (int x = 0; x < bar; x++) {
            graphics.setColor(new Color(colour((double) x / (bar - 1))));
            graphics.fillRect(left + x, top + 6, 1, 12);
        }
        graphics.setColor(Color.DARK_GRAY);
        graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics metrics = graphics.getFontMetrics();
        String[] ticks = {"0", "0.5", "1"};
        for (int i = 0; i < ticks.length; i++) {
            int x = left + (int) Math.round(i * (bar - 1) / 2.0);
            graphics.drawLine(x, top + 18, x, top + 21);
            int tx = Math.max(0, Math.min(width - metrics.stringWidth(ticks[i]), x - metrics.stringWidth(ticks[i]) / 2));
            graphics.drawString(ticks[i], tx, top + 33);
        }
        String caption = "tumour probability; lesions outlined";
        if (left + bar + 10 + metrics.stringWidth(caption) <= width) graphics.drawString(caption, left + bar + 10, top + 17);
    }

    private static int blend(int rgb, int tint, double amount) {
        int out = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            double c = ((rgb >> shift) & 0xff) * (1 - amount) + ((tint >> shift) & 0xff) * amount;
            out |= (int) Math.round(c) << shift;
        }
        return out;
    }
}
