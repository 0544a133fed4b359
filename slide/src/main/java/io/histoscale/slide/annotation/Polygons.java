package io.histoscale.slide.annotation;

import io.histoscale.core.UserException;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.CoordinateList;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryCollection;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Polygonal;
import org.locationtech.jts.geom.util.GeometryFixer;
import org.locationtech.jts.operation.valid.IsValidOp;
import org.locationtech.jts.operation.valid.TopologyValidationError;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/** Builds the polygons of one annotation file, checks them, and repairs them only when asked to. */
final class Polygons {
    static final GeometryFactory FACTORY = new GeometryFactory();

    private final Path file;
    private final boolean repair;
    private final List<String> repairs = new ArrayList<>();

    Polygons(Path file, boolean repair) {
        this.file = file;
        this.repair = repair;
    }

    /**
     * A checked polygon from its outline and holes (open or closed rings), described by {@code what} in messages;
     * {@code null} when it has no area and repair dropped it.
     */
    Geometry polygon(String what, List<Coordinate> shell, List<List<Coordinate>> holes) {
        LinearRing outer = ring(what, shell);
        List<LinearRing> inner = new ArrayList<>();
        for (List<Coordinate> hole : holes) {
            LinearRing r = ring(what + " (a hole)", hole);
            if (r != null) inner.add(r);
        }
        return outer == null ? null : checked(what, FACTORY.createPolygon(outer, inner.toArray(LinearRing[]::new)));
    }

    /** {@code g} if valid; otherwise an error naming {@code what} and where, or its repair when repair is on. */
    Geometry checked(String what, Geometry g) {
        TopologyValidationError err = new IsValidOp(g).getValidationError();
        if (err == null) return g;
        String problem = what + " " + describe(err);
        if (!repair) {
            throw error(problem + ". Fix it in QuPath, ASAP or ImageScope, or read the annotations with repair on"
                    + " (--repair-annotations), which rebuilds it with JTS GeometryFixer");
        }
        if (Crossings.tooMany(List.of(g))) {
            throw error(what + " crosses itself at more than " + Crossings.LIMIT + " places, too many to repair (a"
                    + " scribble rather than an outline): redraw it in QuPath, ASAP or ImageScope, or delete it");
        }
        Geometry fixed = polygonalPart(GeometryFixer.fix(g));
        repairs.add(problem + (fixed == null ? ": dropped, nothing with an area was left"
                : String.format(Locale.ROOT, ": repaired, area %.0f px²", fixed.getArea())));
        return fixed;
    }

    /** What repair changed, one line per polygon, for the caller to log. */
    List<String> repairs() {
        return List.copyOf(repairs);
    }

    UserException error(String message) {
        return new UserException("annotation file " + file + ": " + message);
    }

    static String at(Coordinate c) {
        return String.format(Locale.ROOT, "(%.1f, %.1f)", c.x, c.y);
    }

    private LinearRing ring(String what, List<Coordinate> points) {
        List<Coordinate> finite = points.stream().filter(Polygons::isFinite).toList();
        if (finite.size() < points.size()) {
            Coordinate bad = points.stream().filter(c -> !isFinite(c)).findFirst().orElseThrow();
            String problem = what + " has a vertex at " + at(bad) + ", which is not a finite number";
            if (!repair) {
                throw error(problem + ". Correct or delete it, or read the annotations with repair on"
                        + " (--repair-annotations), which drops such vertices");
            }
            repairs.add(problem + ": " + (points.size() - finite.size()) + " such vertices dropped");
            points = finite;
        }
        int distinct = new HashSet<>(points).size();
        if (distinct < 3) {
            String where = points.isEmpty() ? "" : " at " + at(points.get(0));
            String problem = what + " has " + distinct + " distinct vertices" + where + "; an area needs at least 3";
            if (!repair) {
                throw error(problem + ". Delete or redraw it, or read the annotations with repair on"
                        + " (--repair-annotations), which drops it");
            }
            repairs.add(problem + ": dropped");
            return null;
        }
        CoordinateList closed = new CoordinateList(points.toArray(Coordinate[]::new), true);
        closed.closeRing();
        return FACTORY.createLinearRing(closed.toCoordinateArray());
    }

    private static boolean isFinite(Coordinate c) {
        return Double.isFinite(c.x) && Double.isFinite(c.y);
    }

    private static String describe(TopologyValidationError err) {
        String where = err.getCoordinate() == null ? "" : " at " + at(err.getCoordinate());
        return switch (err.getErrorType()) {
            case TopologyValidationError.SELF_INTERSECTION, TopologyValidationError.RING_SELF_INTERSECTION ->
                    "crosses itself" + where;
            case TopologyValidationError.HOLE_OUTSIDE_SHELL -> "has a hole outside its outline" + where;
            case TopologyValidationError.NESTED_HOLES -> "has a hole inside another hole" + where;
            case TopologyValidationError.NESTED_SHELLS -> "has a part inside another part" + where;
            default -> "is not a valid polygon (" + err.getMessage().toLowerCase(Locale.ROOT) + ")" + where;
        };
    }

    /** The areal part of a geometry, or {@code null} when there is none. */
    static Geometry polygonalPart(Geometry g) {
        if (g.isEmpty()) return null;
        if (g instanceof Polygonal) return g;
        // a line or point (what an overlay of extreme coordinates can collapse to) has no parts but itself
        if (!(g instanceof GeometryCollection)) return null;
        List<Geometry> parts = new ArrayList<>();
        for (int i = 0; i < g.getNumGeometries(); i++) {
            Geometry p = polygonalPart(g.getGeometryN(i));
            if (p != null) parts.add(p);
        }
        if (parts.isEmpty()) return null;
        Geometry union = FACTORY.buildGeometry(parts).union();
        return union instanceof Polygonal && !union.isEmpty() ? union : null;
    }
}
