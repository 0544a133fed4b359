package io.histoscale.slide.annotation;

import org.locationtech.jts.algorithm.LineIntersector;
import org.locationtech.jts.algorithm.RobustLineIntersector;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.noding.BasicSegmentString;
import org.locationtech.jts.noding.MCIndexNoder;
import org.locationtech.jts.noding.SegmentIntersector;
import org.locationtech.jts.noding.SegmentString;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Counts the places where the outlines of polygons cross or touch, up to a limit, in time {@code O(n log n + limit)}.
 * Unions, differences and repairs cost time and memory with the number of such places, which a small file can make
 * enormous (two combs of 1,000 teeth laid across each other cross 4 million times: their union takes minutes and
 * gigabytes), so the reader counts them first and refuses what it could not finish.
 */
final class Crossings {
    /**
     * Crossings above which the reader refuses to combine or repair outlines: some 40,000 take JTS ~2 s and ~120 MiB,
     * while real annotations cross each other at tens or hundreds of places.
     */
    static final int LIMIT = 20_000;

    private Crossings() {
    }

    /** Whether the outlines of {@code polygons} cross or touch each other (or themselves) at more than {@link #LIMIT} places. */
    static boolean tooMany(Collection<Geometry> polygons) {
        return count(polygons, LIMIT) > LIMIT;
    }

    /**
     * The places where the rings' edges meet, not counting the shared end of neighbouring edges of one ring; stops
     * counting once past {@code limit}.
     */
    static int count(Collection<Geometry> polygons, int limit) {
        List<SegmentString> rings = new ArrayList<>();
        for (Geometry g : polygons) {
            for (int i = 0; i < g.getNumGeometries(); i++) {
                if (g.getGeometryN(i) instanceof Polygon p) {
                    rings.add(new BasicSegmentString(p.getExteriorRing().getCoordinates(), null));
                    for (int h = 0; h < p.getNumInteriorRing(); h++) {
                        rings.add(new BasicSegmentString(p.getInteriorRingN(h).getCoordinates(), null));
                    }
                }
            }
        }
        Counter counter = new Counter(limit);
        MCIndexNoder noder = new MCIndexNoder();
        noder.setSegmentIntersector(counter);
        noder.computeNodes(rings);
        return counter.count;
    }

    private static final class Counter implements SegmentIntersector {
        private final LineIntersector intersector = new RobustLineIntersector();
        private final int limit;
        private int count;

        Counter(int limit) {
            this.limit = limit;
        }

        @Override
        public void processIntersections(SegmentString a, int i, SegmentString b, int j) {
            if (a == b && neighbours(i, j, a.size() - 1)) {
                return;
            }
            Coordinate[] p = a.getCoordinates();
            Coordinate[] q = b.getCoordinates();
            intersector.computeIntersection(p[i], p[i + 1], q[j], q[j + 1]);
            if (intersector.hasIntersection()) {
                count++;
            }
        }

        /** Edges {@code i} and {@code j} of a closed ring of {@code edges} edges are the same or follow each other. */
        private static boolean neighbours(int i, int j, int edges) {
            int d = Math.abs(i - j);
            return d <= 1 || d == edges - 1;
        }

        @Override
        public boolean isDone() {
            return count > limit;
        }
    }
}
