package io.histoscale.slide.annotation;

import io.histoscale.core.UserException;
import org.locationtech.jts.algorithm.Area;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.index.strtree.STRtree;
import org.locationtech.jts.operation.overlayng.OverlayNG;
import org.locationtech.jts.operation.overlayng.OverlayNGRobust;
import org.locationtech.jts.operation.overlayng.RingClipper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The annotated regions of one slide, and its tumour area: the union of the tumour regions minus the union of the
 * exclusion regions ({@link AnnotationClasses}). Immutable; the queries are safe from several threads.
 */
public final class SlideAnnotations {
    private static final int MAX_PIECE_VERTICES = 64;

    private final Path source;
    private final AnnotationFormat format;
    private final List<AnnotationRegion> regions;
    private final AnnotationClasses classes;
    private final List<String> repairs;
    private final Geometry tumour;
    /** Small pieces of the tumour, indexed by bounding box, for {@link #tumourFraction}. */
    private final STRtree pieces = new STRtree();

    SlideAnnotations(Path source, AnnotationFormat format, List<AnnotationRegion> regions, AnnotationClasses classes,
                     List<String> repairs) {
        this.source = source;
        this.format = format;
        this.regions = List.copyOf(regions);
        this.classes = classes;
        this.repairs = List.copyOf(repairs);
        List<Geometry> outlines = new ArrayList<>();
        tumourRegions().forEach(r -> outlines.add(r.geometry()));
        exclusionRegions().forEach(r -> outlines.add(r.geometry()));
        if (Crossings.tooMany(outlines)) {
            throw new UserException("annotation file " + source + ": its tumour and exclusion regions cross each"
                    + " other at more than " + Crossings.LIMIT + " places, too many to combine into a tumour area:"
                    + " redraw them in QuPath, ASAP or ImageScope so that they overlap less");
        }
        Geometry tumourUnion = union(tumourRegions());
        Geometry exclusions = union(exclusionRegions());
        Geometry area = Polygons.polygonalPart(exclusions.isEmpty() ? tumourUnion
                : OverlayNGRobust.overlay(tumourUnion, exclusions, OverlayNG.DIFFERENCE));
        // extreme coordinates can collapse an overlay to lines, which have no area
        this.tumour = area == null ? Polygons.FACTORY.createPolygon() : area;
        for (int i = 0; i < tumour.getNumGeometries(); i++) index(tumour.getGeometryN(i));
        pieces.build();
    }

    /** The file read. */
    public Path source() {
        return source;
    }

    public AnnotationFormat format() {
        return format;
    }

    /** Every region in the file order, whatever its class. */
    public List<AnnotationRegion> regions() {
        return regions;
    }

    public AnnotationClasses classes() {
        return classes;
    }

    /** What the repair option changed (empty when nothing needed it); worth logging. */
    public List<String> repairs() {
        return repairs;
    }

    public List<AnnotationRegion> tumourRegions() {
        return regions.stream().filter(r -> classes.isTumour(r.className())).toList();
    }

    public List<AnnotationRegion> exclusionRegions() {
        return regions.stream().filter(r -> classes.isExclusion(r.className())).toList();
    }

    /** Tumour area in level-0 pixels: a (Multi)Polygon, empty when the slide has none. */
    public Geometry tumour() {
        return tumour;
    }

    /** The tumour area's connected pieces, one region each (class "tumor"), e.g. to measure the largest lesion. */
    public List<AnnotationRegion> lesions() {
        List<AnnotationRegion> out = new ArrayList<>();
        for (int i = 0; i < tumour.getNumGeometries(); i++) {
            Geometry g = tumour.getGeometryN(i);
            if (!g.isEmpty()) out.add(new AnnotationRegion("lesion " + (out.size() + 1), "tumor", g));
        }
        return out;
    }

    /**
     * Checks the regions against the slide they annotate: a region entirely outside its level-0 pixels was given in
     * another unit or level (µm, a lower level's pixels) or belongs to another slide.
     *
     * @param width  the slide's level-0 width in pixels
     * @param height the slide's level-0 height in pixels
     * @return a warning for each region entirely outside (naming the file, the region and where it lies); such a
     *         region adds nothing to the tumour area
     * @throws UserException when every tumour region lies outside: each patch of the slide would be labelled normal
     */
    public List<String> checkWithin(long width, long height) {
        Envelope slide = new Envelope(0, width, 0, height);
        List<AnnotationRegion> outside = regions.stream().filter(r -> isOutside(r, slide)).toList();
        List<AnnotationRegion> tumours = tumourRegions();
        String size = width + " x " + height + " pixels";
        if (!tumours.isEmpty() && outside.containsAll(tumours)) {
            throw new UserException("annotation " + source + ": every tumour region lies outside the slide's " + size
                    + " (" + where(tumours.get(0)) + "), so each patch would be labelled normal: its coordinates are "
                    + "in another unit or level, or it belongs to another slide");
        }
        return outside.stream().map(r -> "annotation " + source + ": " + where(r) + " lies entirely outside the "
                + "slide's " + size + " and was not used").toList();
    }

    private static boolean isOutside(AnnotationRegion r, Envelope slide) {
        Envelope e = r.geometry().getEnvelopeInternal();
        return e.getMinX() >= slide.getMaxX() || e.getMaxX() <= slide.getMinX() || e.getMinY() >= slide.getMaxY()
                || e.getMaxY() <= slide.getMinY();
    }

    private static String where(AnnotationRegion r) {
        Envelope e = r.geometry().getEnvelopeInternal();
        return String.format(Locale.ROOT, "region '%s' (%s) at x %.0f..%.0f, y %.0f..%.0f", r.name(), r.className(),
                e.getMinX(), e.getMaxX(), e.getMinY(), e.getMaxY());
    }

    /**
     * Share of a level-0 rectangle covered by tumour, 0 to 1: the tumour pieces near the rectangle are clipped to it
     * and their areas summed, which is exact because the pieces do not overlap.
     */
    public double tumourFraction(double x, double y, double width, double height) {
        if (!(width > 0 && height > 0)) {
            throw new IllegalArgumentException("rectangle size must be positive: " + width + " x " + height);
        }
        Envelope box = new Envelope(x, x + width, y, y + height);
        RingClipper clipper = new RingClipper(box);
        double covered = 0;
        for (Object item : pieces.query(box)) {
            Polygon piece = (Polygon) item;
            // A ring clipped to a rectangle may run along its sides, which adds no area: the area stays exact.
            covered += Area.ofRing(clipper.clip(piece.getExteriorRing().getCoordinates()));
            for (int i = 0; i < piece.getNumInteriorRing(); i++) {
                covered -= Area.ofRing(clipper.clip(piece.getInteriorRingN(i).getCoordinates()));
            }
        }
        return Math.max(0, Math.min(1, covered / box.getArea()));
    }

    /**
     * Indexes a polygon, halved along its longer side until each piece has few vertices: intersecting a patch with
     * a piece is then cheap however long the lesion's outline is.
     */
    private void index(Geometry polygon) {
        if (polygon.isEmpty()) return;
        Envelope env = polygon.getEnvelopeInternal();
        if (polygon.getNumPoints() <= MAX_PIECE_VERTICES || Math.max(env.getWidth(), env.getHeight()) < 2) {
            pieces.insert(env, polygon);
            return;
        }
        for (Envelope half : halves(env)) {
            Geometry part = OverlayNGRobust.overlay(polygon, Polygons.FACTORY.toGeometry(half), OverlayNG.INTERSECTION);
            for (int i = 0; i < part.getNumGeometries(); i++) {
                if (part.getGeometryN(i) instanceof Polygon p) index(p);
            }
        }
    }

    private static List<Envelope> halves(Envelope e) {
        if (e.getWidth() >= e.getHeight()) {
            double x = e.centre().x;
            return List.of(new Envelope(e.getMinX(), x, e.getMinY(), e.getMaxY()), new Envelope(x, e.getMaxX(), e.getMinY(), e.getMaxY()));
        }
        double y = e.centre().y;
        return List.of(new Envelope(e.getMinX(), e.getMaxX(), e.getMinY(), y), new Envelope(e.getMinX(), e.getMaxX(), y, e.getMaxY()));
    }

    private static Geometry union(List<AnnotationRegion> regions) {
        List<Geometry> parts = regions.stream().map(AnnotationRegion::geometry).toList();
        return OverlayNGRobust.union(Polygons.FACTORY.buildGeometry(parts));
    }

    @Override
    public String toString() {
        return "SlideAnnotations[" + source + ", " + format + ", " + regions.size() + " regions, "
                + lesions().size() + " lesions]";
    }
}
