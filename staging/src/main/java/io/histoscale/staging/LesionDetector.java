package io.histoscale.staging;

import io.histoscale.core.UserException;
import org.locationtech.jts.algorithm.ConvexHull;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.operation.union.UnaryUnionOp;
import org.locationtech.jts.simplify.DouglasPeuckerSimplifier;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Finds lesions on a heatmap and measures their largest diameter in millimetres.
 *
 * <p><b>Lesions.</b> Valid cells whose probability is at least the threshold (default 0.5), after optional Gaussian
 * smoothing, grouped 8-connected (cells touching at a corner belong together).
 *
 * <p><b>Largest diameter: the lesion's outline, grown evenly until its area is the lesion's probability mass.</b>
 * <ol>
 *   <li>Outline. The heatmap is read as a surface through the cell centres, and the lesion's edge is where it crosses
 *   the edge level {@code max(threshold, 0.5)}: a heatmap that gives each cell its share of tumour (a calibrated
 *   model) crosses 0.5 on a straight edge. Between each lesion cell at or above that level and each of its four
 *   neighbours below it (invalid cells and cells off the grid count as 0) the crossing is placed by linear
 *   interpolation - the vertices of a marching-squares iso-line. Since the level stays 0.5 for every threshold up to
 *   0.5, lowering the threshold to catch faint lesions does not move the others' outlines.</li>
 *   <li>Mass. The sum of the lesion cells' probabilities times the cell area: a calibrated heatmap's estimate of the
 *   tumour area, however small the lesion is against the cells.</li>
 *   <li>The convex hull of the crossings is grown by the distance that makes its area equal to the mass (never
 *   shrunk), and the diameter is the hull's largest diameter plus twice that distance. An iso-line through blurred
 *   cells runs inside a convex lesion's true edge, the more so the smaller the lesion is against the cells; growing
 *   it to the mass puts that back. Without crossings (no cell reaches 0.5) the hull is empty and grows into the disc
 *   of the mass's area: the sub-cell rule for lesions smaller than a cell.</li>
 * </ol>
 * A lone cell of probability 1 among zeros (at the default threshold) measures 1.30 cell sizes: 83 µm for 64 µm
 * cells, 167 µm for 128 µm - ITC-sized (0.2 mm or less) for cells up to 153 µm.
 *
 * <p>Calibration (perfect heatmaps rasterised from synthetic tumours, threshold 0.02): within 10 % or 50 µm of the
 * true largest diameter from 0.05 to 4 mm at 64 and 96 µm cells; at 128 µm cells lesions of 1.2-1.7 cells (0.15-0.22
 * mm) come out up to 55 µm long. The mass counts only the lesion's cells, so at threshold 0.5 a calibrated heatmap's
 * partly covered border cells are left out and small lesions measure short (up to 100 µm at 128 µm cells for
 * 0.2-0.5 mm); lesions smaller than half a cell never reach 0.5 on a calibrated heatmap and need a lower threshold
 * to be found at all.
 *
 * <pre>{@code
 * List<Lesion> lesions = LesionDetector.builder().optThreshold(0.5).optSmoothing(1).build().detect(heatmap);
 * }</pre>
 */
public final class LesionDetector {
    public static final double DEFAULT_THRESHOLD = 0.5;
    /** Edge level of the outline estimate for thresholds up to it: half a cell of tumour. */
    public static final double EDGE_LEVEL = 0.5;

    private static final GeometryFactory GEOMETRY = new GeometryFactory();
    private static final int[][] FOUR = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};

    private final double threshold;
    private final double smoothing;

    private LesionDetector(Builder b) {
        this.threshold = b.threshold;
        this.smoothing = b.smoothing;
    }

    public static Builder builder() {
        return new Builder();
    }

    public double threshold() {
        return threshold;
    }

    /** Gaussian smoothing sigma in cells, 0 for none. */
    public double smoothing() {
        return smoothing;
    }

    /** The lesions of a heatmap, largest first (ids 1, 2, ...); empty when no cell reaches the threshold. */
    public List<Lesion> detect(Heatmap heatmap) {
        Heatmap map = heatmap.smoothed(smoothing);
        float[] p = map.values();
        int w = map.columns(), h = map.rows();
        boolean[] seen = new boolean[p.length];
        int[] queue = new int[p.length];
        List<Lesion> found = new ArrayList<>();
        for (int start = 0; start < p.length; start++) {
            if (seen[start] || !(p[start] >= threshold)) continue;
            int head = 0, tail = 0;
            queue[tail++] = start;
            seen[start] = true;
            while (head < tail) {
                int i = queue[head++], x = i % w, y = i / w;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = x + dx, ny = y + dy, j = ny * w + nx;
                        if (nx < 0 || ny < 0 || nx >= w || ny >= h || seen[j] || !(p[j] >= threshold)) continue;
                        seen[j] = true;
                        queue[tail++] = j;
                    }
                }
            }
            found.add(measure(map.geometry(), p, queue, tail));
        }
        found.sort(Comparator.comparingDouble(Lesion::diameterMm).reversed().thenComparing(Lesion::cells, Comparator.reverseOrder()));
        List<Lesion> numbered = new ArrayList<>(found.size());
        for (int k = 0; k < found.size(); k++) {
            Lesion l = found.get(k);
            numbered.add(new Lesion(k + 1, l.diameterMm(), l.areaMm2(), l.cells(), l.meanProbability(),
                    l.maxProbability(), l.outline()));
        }
        return List.copyOf(numbered);
    }

    /** The lesion made of cells {@code cells[0..n)}; its id is set by the caller. */
    private Lesion measure(HeatmapGeometry g, float[] p, int[] cells, int n) {
        int w = g.columns(), h = g.rows();
        double edge = Math.max(threshold, EDGE_LEVEL), size = g.cellSize();
        double mass = 0, max = 0;
        List<Coordinate> crossings = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int i = cells[k], x = i % w, y = i / w;
            double v = p[i];
            mass += v;
            max = Math.max(max, v);
            if (v < edge) continue;
            double cx = g.x(x) + size / 2, cy = g.y(y) + size / 2;
            for (int[] d : FOUR) {
                int nx = x + d[0], ny = y + d[1];
                double q = nx < 0 || ny < 0 || nx >= w || ny >= h || Float.isNaN(p[ny * w + nx]) ? 0 : p[ny * w + nx];
                if (q >= edge) continue;
                double t = (v - edge) / (v - q) * size;
                crossings.add(new Coordinate(cx + t * d[0], cy + t * d[1]));
            }
        }
        double diameterPx = grownDiameter(crossings, mass * size * size);
        return new Lesion(0, diameterPx * g.slideMpp() / 1000, n * g.cellAreaMm2(), n, mass / n, max, outline(g, cells, n));
    }

    /**
     * Largest diameter of the convex hull of {@code points} grown evenly by the distance that makes its area
     * {@code area} (not grown when already larger). By Steiner's formula a convex shape of area A and perimeter P
     * grown by d has area A + P d + pi d^2; a point grows into a disc, two points into a stadium.
     */
    private static double grownDiameter(List<Coordinate> points, double area) {
        Geometry hull = new ConvexHull(points.toArray(Coordinate[]::new), GEOMETRY).getConvexHull();
        Coordinate[] vertices = hull.getCoordinates();
        double diameter = 0;
        for (int i = 0; i < vertices.length; i++) {
            for (int j = i + 1; j < vertices.length; j++) diameter = Math.max(diameter, vertices[i].distance(vertices[j]));
        }
        // A segment's outline runs along both sides, so its perimeter is twice its length.
        double perimeter = hull instanceof Polygon ? hull.getLength() : 2 * hull.getLength();
        double missing = area - hull.getArea();
        if (missing <= 0) return diameter;
        double grow = (Math.sqrt(perimeter * perimeter + 4 * Math.PI * missing) - perimeter) / (2 * Math.PI);
        return diameter + 2 * grow;
    }

    /**
     * Union of the cells, built from runs of cells along rows so the union has few pieces to merge, without the
     * vertices of straight runs along the grid.
     */
    private static Geometry outline(HeatmapGeometry g, int[] cells, int n) {
        int w = g.columns();
        int[] sorted = Arrays.copyOf(cells, n);
        Arrays.sort(sorted);
        List<Geometry> runs = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int first = sorted[k], last = first;
            while (k + 1 < n && sorted[k + 1] == last + 1 && (last + 1) % w != 0) last = sorted[++k];
            int row = first / w;
            runs.add(GEOMETRY.toGeometry(new Envelope(g.x(first % w), g.x(last % w + 1), g.y(row), g.y(row + 1))));
        }
        return DouglasPeuckerSimplifier.simplify(UnaryUnionOp.union(runs), 0);
    }

    public static final class Builder {
        private double threshold = DEFAULT_THRESHOLD;
        private double smoothing;

        private Builder() {
        }

        /** Probability a cell needs to be part of a lesion, above 0 and at most 1 (default 0.5). */
        public Builder optThreshold(double threshold) {
            if (!(threshold > 0 && threshold <= 1)) {
                throw new UserException("lesion threshold " + threshold + " is out of range: use a probability above 0 and at most 1, e.g. 0.5");
            }
            this.threshold = threshold;
            return this;
        }

        /** Gaussian smoothing of the heatmap before thresholding, sigma in cells (default 0, none). */
        public Builder optSmoothing(double sigmaCells) {
            if (!(sigmaCells >= 0 && sigmaCells <= 10)) {
                throw new UserException("heatmap smoothing " + sigmaCells + " is out of range: use 0 (none) to 10 cells");
            }
            this.smoothing = sigmaCells;
            return this;
        }

        public LesionDetector build() {
            return new LesionDetector(this);
        }
    }
}
