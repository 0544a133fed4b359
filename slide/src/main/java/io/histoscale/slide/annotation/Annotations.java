package io.histoscale.slide.annotation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Polygon;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;

/** Reading annotation files with the default options, and writing regions as QuPath GeoJSON. */
public final class Annotations {

    private Annotations() {
    }

    /** Reads with {@link AnnotationReader}'s defaults: default classes, invalid polygons are errors. */
    public static SlideAnnotations read(Path file) {
        return AnnotationReader.builder().build().read(file);
    }

    /**
     * A GeoJSON FeatureCollection QuPath imports as annotations: one Feature per region, its geometry a Polygon or
     * MultiPolygon with holes, {@code properties.objectType = "annotation"}, {@code properties.name} and
     * {@code properties.classification = {name, color: [r, g, b]}}.
     */
    public static String toGeoJson(Collection<AnnotationRegion> regions) {
        ObjectNode collection = Json.MAPPER.createObjectNode().put("type", "FeatureCollection");
        ArrayNode features = collection.putArray("features");
        for (AnnotationRegion r : regions) {
            ObjectNode feature = features.addObject().put("type", "Feature");
            feature.set("geometry", geometry(r.geometry()));
            ObjectNode properties = feature.putObject("properties").put("objectType", "annotation").put("name", r.name());
            Color c = colour(r.className());
            properties.putObject("classification").put("name", r.className())
                    .putArray("color").add(c.getRed()).add(c.getGreen()).add(c.getBlue());
        }
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(collection);
        } catch (IOException e) {
            throw new IllegalStateException(e); // writing a tree to a string cannot fail
        }
    }

    /** Writes {@link #toGeoJson} to a file (replacing it). */
    public static void writeGeoJson(Collection<AnnotationRegion> regions, Path file) {
        try {
            Files.writeString(file, toGeoJson(regions));
        } catch (IOException e) {
            throw new UserException("cannot write annotation file " + file + ": " + e.getMessage() + " (check the folder exists and is writable)", e);
        }
    }

    /**
     * The colour drawings use for a class: red for tumour, grey for exclusions (by
     * {@link AnnotationClasses#DEFAULT}), green for "normal", and a stable colour derived from the name otherwise.
     */
    public static Color colour(String className) {
        if (AnnotationClasses.DEFAULT.isTumour(className)) return new Color(200, 0, 0);
        if (AnnotationClasses.DEFAULT.isExclusion(className)) return new Color(160, 160, 160);
        if (className.trim().toLowerCase(Locale.ROOT).equals("normal")) return new Color(0, 160, 60);
        float hue = (className.hashCode() & 0xffff) / 65536f;
        return Color.getHSBColor(hue, 0.7f, 0.85f);
    }

    private static ObjectNode geometry(Geometry g) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        if (g instanceof Polygon p) {
            node.put("type", "Polygon");
            rings(p, node.putArray("coordinates"));
        } else {
            node.put("type", "MultiPolygon");
            ArrayNode polygons = node.putArray("coordinates");
            for (int i = 0; i < g.getNumGeometries(); i++) rings((Polygon) g.getGeometryN(i), polygons.addArray());
        }
        return node;
    }

    private static void rings(Polygon p, ArrayNode out) {
        ring(p.getExteriorRing(), out.addArray());
        for (int i = 0; i < p.getNumInteriorRing(); i++) ring(p.getInteriorRingN(i), out.addArray());
    }

    private static void ring(LineString ring, ArrayNode out) {
        for (Coordinate c : ring.getCoordinates()) out.addArray().add(c.x).add(c.y);
    }
}
