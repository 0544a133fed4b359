package io.histoscale.bench.parallel;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scaling figure (Java2D, PNG): left, measured strong and weak scaling efficiency on this machine; right, the
 * projected efficiency and hours to train against GPUs (log₂ axis).
 */
final class ScalingPlot {

    private static final int W = 1100;
    private static final int H = 460;
    private static final Color BLUE = new Color(31, 119, 180);
    private static final Color ORANGE = new Color(255, 127, 14);
    private static final Color GREEN = new Color(44, 160, 44);

    private ScalingPlot() {
    }

    /** @param ceiling efficiency the cores allow at the most ranks (independent processes side by side), or NaN */
    static void write(Path file, Projection projection, List<Map<String, Object>> strong,
                      List<Map<String, Object>> weak, String model, double ceiling) {
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));

        // left: measured here
        Box left = new Box(70, 50, 330, 330);
        int maxRanks = strong.stream().mapToInt(r -> (int) r.get("ranks")).max().orElse(2);
        left.frame(g, "Measured here: " + model + ", 1 thread per rank", "ranks", "efficiency");
        for (int r = 1; r <= maxRanks; r++) {
            left.xTick(g, (double) (r - 1) / Math.max(1, maxRanks - 1), Integer.toString(r));
        }
        yTicksEfficiency(g, left);
        series(g, left, strong, maxRanks, BLUE);
        series(g, left, weak, maxRanks, ORANGE);
        if (!Double.isNaN(ceiling)) {
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            g.drawLine(left.px(0), left.py(1), left.px(1), left.py(ceiling));
            g.setStroke(new BasicStroke(1f));
            legend(g, left.x + 10, left.y + left.h - 58, Color.GRAY, "cores' ceiling (no communication)");
        }
        legend(g, left.x + 10, left.y + left.h - 40, BLUE, "strong (fixed global batch)");
        legend(g, left.x + 10, left.y + left.h - 22, ORANGE, "weak (fixed batch per rank)");

        // right: projection
        Box right = new Box(500, 50, 520, 330);
        Projection.Inputs in = projection.inputs();
        right.frame(g, String.format(Locale.ROOT, "Projected: %s; %.0f ms/step, %.0f Gb/s, α %.1f µs",
                in.workload(), in.stepSeconds() * 1e3, in.linkGbps(), in.alphaSeconds() * 1e6), "GPUs",
                "efficiency");
        List<Projection.Point> points = projection.points();
        double lo = log2(points.get(0).gpus());
        double hi = log2(points.get(points.size() - 1).gpus());
        double maxHours = points.stream().mapToDouble(Projection.Point::hours).max().orElse(1);
        double minHours = points.stream().mapToDouble(Projection.Point::hours).min().orElse(0.1);
        double hLo = Math.floor(Math.log10(minHours));
        double hHi = Math.ceil(Math.log10(maxHours));
        for (Projection.Point p : points) {
            right.xTick(g, (log2(p.gpus()) - lo) / (hi - lo), Integer.toString(p.gpus()));
        }
        yTicksEfficiency(g, right);
        g.setColor(GREEN);
        for (double e = hLo; e <= hHi; e++) {
            int y = right.py((e - hLo) / Math.max(1, hHi - hLo));
            g.drawString(String.format(Locale.ROOT, "%sh", trim(Math.pow(10, e))), right.x + right.w + 6, y + 4);
        }
        g.drawString("hours to train (log)", right.x + right.w - 60, right.y - 8);
        int[] xs = new int[points.size()];
        int[] ye = new int[points.size()];
        int[] yh = new int[points.size()];
        for (int i = 0; i < points.size(); i++) {
            Projection.Point p = points.get(i);
            xs[i] = right.px((log2(p.gpus()) - lo) / (hi - lo));
            ye[i] = right.py(p.efficiency());
            yh[i] = right.py((Math.log10(p.hours()) - hLo) / Math.max(1, hHi - hLo));
        }
        g.setStroke(new BasicStroke(2f));
        g.setColor(BLUE);
        g.drawPolyline(xs, ye, xs.length);
        g.setColor(GREEN);
        g.drawPolyline(xs, yh, xs.length);
        for (int i = 0; i < xs.length; i++) {
            g.setColor(BLUE);
            g.fillOval(xs[i] - 3, ye[i] - 3, 7, 7);
            g.setColor(GREEN);
            g.fillOval(xs[i] - 3, yh[i] - 3, 7, 7);
        }
        legend(g, right.x + 10, right.y + right.h - 40, BLUE, "efficiency");
        legend(g, right.x + 10, right.y + right.h - 22, GREEN, "hours to train");
        g.dispose();
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void series(Graphics2D g, Box box, List<Map<String, Object>> rows, int maxRanks, Color colour) {
        int[] xs = new int[rows.size()];
        int[] ys = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            int r = (int) rows.get(i).get("ranks");
            xs[i] = box.px((double) (r - 1) / Math.max(1, maxRanks - 1));
            ys[i] = box.py((double) rows.get(i).get("efficiency"));
        }
        g.setColor(colour);
        g.setStroke(new BasicStroke(2f));
        g.drawPolyline(xs, ys, xs.length);
        for (int i = 0; i < xs.length; i++) {
            g.fillOval(xs[i] - 3, ys[i] - 3, 7, 7);
        }
    }

    private static void yTicksEfficiency(Graphics2D g, Box box) {
        for (int k = 0; k <= 5; k++) {
            double v = k / 5.0;
            int y = box.py(v);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(box.x, y, box.x + box.w, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.0f%%", v * 100), box.x - 40, y + 4);
        }
    }

    private static void legend(Graphics2D g, int x, int y, Color colour, String text) {
        g.setColor(colour);
        g.fillRect(x, y - 8, 14, 8);
        g.setColor(Color.DARK_GRAY);
        g.drawString(text, x + 20, y);
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }

    private static String trim(double v) {
        return v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2g", v);
    }

    /** A plot area; values map from [0, 1] to pixels. */
    private record Box(int x, int y, int w, int h) {
        int px(double f) {
            return x + (int) Math.round(f * w);
        }

        int py(double f) {
            return y + h - (int) Math.round(Math.max(0, Math.min(1, f)) * h);
        }

        void frame(Graphics2D g, String title, String xLabel, String yLabel) {
            g.setColor(Color.DARK_GRAY);
            g.drawRect(x, y, w, h);
            g.setFont(g.getFont().deriveFont(Font.BOLD));
            g.drawString(title, x, y - 24);
            g.setFont(g.getFont().deriveFont(Font.PLAIN));
            g.drawString(xLabel, x + w / 2 - 15, y + h + 36);
            g.drawString(yLabel, x - 60, y - 8);
        }

        void xTick(Graphics2D g, double f, String label) {
            int px = px(f);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(px, y + h, px, y + h + 4);
            g.drawString(label, px - 4 * label.length(), y + h + 18);
        }
    }
}
