package io.histoscale.synth;

import java.awt.geom.Path2D;
import java.util.SplittableRandom;

/**
 * A star-shaped polygon around a centre: an ellipse whose radius wobbles with a few random harmonics, which reads as an
 * irregular piece of tissue or a tumour nest. All blobs run the same way round, so overlapping ones filled with the
 * non-zero rule paint their union.
 */
final class Blob {
    final double cx, cy;
    final double[] xs, ys;

    private Blob(double cx, double cy, double[] xs, double[] ys) {
        this.cx = cx;
        this.cy = cy;
        this.xs = xs;
        this.ys = ys;
    }

    /**
     * @param wobble    largest relative change of the radius (0.1 = up to ±10 %)
     * @param harmonics highest harmonic of the wobble; higher gives a more ragged outline
     */
    static Blob random(SplittableRandom random, double cx, double cy, double rx, double ry, double rotation,
                       double wobble, int harmonics, int vertices) {
        double[] amplitude = new double[harmonics + 1], phase = new double[harmonics + 1];
        double norm = 0;
        for (int k = 2; k <= harmonics; k++) norm += 1.0 / k;
        for (int k = 2; k <= harmonics; k++) {
            amplitude[k] = wobble * random.nextDouble() / (k * norm);
            phase[k] = random.nextDouble(2 * Math.PI);
        }
        double cos = Math.cos(rotation), sin = Math.sin(rotation);
        double[] xs = new double[vertices], ys = new double[vertices];
        for (int i = 0; i < vertices; i++) {
            double theta = 2 * Math.PI * i / vertices, radius = 1;
            for (int k = 2; k <= harmonics; k++) radius += amplitude[k] * Math.cos(k * theta + phase[k]);
            double ex = rx * radius * Math.cos(theta), ey = ry * radius * Math.sin(theta);
            xs[i] = cx + ex * cos - ey * sin;
            ys[i] = cy + ex * sin + ey * cos;
        }
        return new Blob(cx, cy, xs, ys);
    }

    /** Largest distance between two vertices: the lesion size Camelyon measures. */
    static double diameter(double[] xs, double[] ys) {
        double best = 0;
        for (int i = 0; i < xs.length; i++) {
            for (int j = i + 1; j < xs.length; j++) {
                best = Math.max(best, Math.hypot(xs[i] - xs[j], ys[i] - ys[j]));
            }
        }
        return best;
    }

    double diameter() {
        return diameter(xs, ys);
    }

    /** Radius of the disc around the centre that lies inside the polygon: the smallest centre-to-edge distance. */
    double inscribedRadius() {
        double best = Double.MAX_VALUE;
        for (int i = 0, j = xs.length - 1; i < xs.length; j = i++) {
            best = Math.min(best, distanceToSegment(cx, cy, xs[j], ys[j], xs[i], ys[i]));
        }
        return best;
    }

    /** Radius of the disc around the centre that holds the whole polygon. */
    double circumRadius() {
        double best = 0;
        for (int i = 0; i < xs.length; i++) best = Math.max(best, Math.hypot(xs[i] - cx, ys[i] - cy));
        return best;
    }

    /** Scaled by {@code factor} about the middle of its bounding box, which becomes the new centre. */
    Blob scaledAboutBoxCentre(double factor) {
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (int i = 0; i < xs.length; i++) {
            minX = Math.min(minX, xs[i]);
            maxX = Math.max(maxX, xs[i]);
            minY = Math.min(minY, ys[i]);
            maxY = Math.max(maxY, ys[i]);
        }
        double mx = (minX + maxX) / 2, my = (minY + maxY) / 2;
        double[] nx = new double[xs.length], ny = new double[ys.length];
        for (int i = 0; i < xs.length; i++) {
            nx[i] = mx + (xs[i] - mx) * factor;
            ny[i] = my + (ys[i] - my) * factor;
        }
        return new Blob(mx, my, nx, ny);
    }

    /** Moved so that its centre is at (x, y), vertices rounded to 1/100 pixel as they are written to files. */
    Blob movedTo(double x, double y) {
        double[] nx = new double[xs.length], ny = new double[ys.length];
        for (int i = 0; i < xs.length; i++) {
            nx[i] = Math.round((xs[i] - cx + x) * 100) / 100.0;
            ny[i] = Math.round((ys[i] - cy + y) * 100) / 100.0;
        }
        return new Blob(x, y, nx, ny);
    }

    /** Vertices rounded to 1/100 pixel, the precision written to files. */
    Blob rounded() {
        return movedTo(cx, cy);
    }

    /** Vertices as {x, y} pairs. */
    double[][] vertexPairs() {
        double[][] pairs = new double[xs.length][];
        for (int i = 0; i < xs.length; i++) pairs[i] = new double[]{xs[i], ys[i]};
        return pairs;
    }

    Path2D.Double path() {
        Path2D.Double path = new Path2D.Double(Path2D.WIND_NON_ZERO, xs.length + 1);
        path.moveTo(xs[0], ys[0]);
        for (int i = 1; i < xs.length; i++) path.lineTo(xs[i], ys[i]);
        path.closePath();
        return path;
    }

    private static double distanceToSegment(double px, double py, double ax, double ay, double bx, double by) {
        double dx = bx - ax, dy = by - ay;
        double t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
        return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
    }
}
