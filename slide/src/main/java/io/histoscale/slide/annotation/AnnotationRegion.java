package io.histoscale.slide.annotation;

import org.locationtech.jts.algorithm.ConvexHull;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Polygonal;
import org.locationtech.jts.geom.util.AffineTransformation;

import java.util.Objects;

/**
 * One annotated area: a valid {@link org.locationtech.jts.geom.Polygon} or
 * {@link org.locationtech.jts.geom.MultiPolygon} (holes included) in level-0 pixel coordinates, with its class name as
 * the file spells it ("Tumor", "_0", "positive", ...).
 *
 * @param name      the annotation's own name, or where it sits in the file when it has none
 * @param className class as written in the file; {@link AnnotationClasses} decides what it means
 * @param geometry  polygonal, valid, in level-0 pixels
 */
public record AnnotationRegion(String name, String className, Geometry geometry) {

    public AnnotationRegion {
        Objects.requireNonNull(name);
        Objects.requireNonNull(className);
        if (!(geometry instanceof Polygonal)) {
            throw new IllegalArgumentException("region geometry must be a Polygon or MultiPolygon: " + geometry.getGeometryType());
        }
    }

    /** Area in square level-0 pixels, holes excluded. */
    public double area() {
        return geometry.getArea();
    }

    /** Largest distance between two of its vertices, in micrometres, for a slide of this resolution. */
    public double largestDiameterUm(double mppX, double mppY) {
        return largestDiameter(geometry, mppX, mppY);
    }

    /** Largest vertex-to-vertex distance after scaling x by {@code sx} and y by {@code sy}. */
    static double largestDiameter(Geometry g, double sx, double sy) {
        Geometry scaled = AffineTransformation.scaleInstance(sx, sy).transform(g);
        // The farthest pair of vertices always lies on the convex hull, which is much smaller than the outline.
        Coordinate[] hull = new ConvexHull(scaled).getConvexHull().getCoordinates();
        double best = 0;
        for (int i = 0; i < hull.length; i++) {
            for (int j = i + 1; j < hull.length; j++) {
                best = Math.max(best, hull[i].distance(hull[j]));
            }
        }
        return best;
    }
}
