package io.histoscale.slide.annotation;

import com.fasterxml.jackson.databind.JsonNode;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Polygon;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** QuPath GeoJSON and NCRF JSON. */
final class JsonAnnotations {
    /** QuPath object types that are not annotations: cell and tile classes must not become tumour areas. */
    private static final Set<String> NOT_ANNOTATIONS = Set.of("detection", "cell", "tile");

    private JsonAnnotations() {
    }

    static boolean isGeoJson(JsonNode root) {
        return root.isArray() || root.path("type").isTextual();
    }

    static boolean isNcrf(JsonNode root) {
        return root.isObject() && (root.has("positive") || root.has("negative"));
    }

    /**
     * GeoJSON features with Polygon / MultiPolygon geometry (holes kept); the class is
     * {@code properties.classification.name}, else {@code properties.name}, else {@code properties.objectType}.
     * Points and lines have no area and are skipped, as are QuPath detections, cells and tiles.
     */
    static List<AnnotationRegion> geoJson(JsonNode root, Polygons polygons) {
        List<JsonNode> features = new ArrayList<>();
        if (root.isArray()) root.forEach(features::add);
        else if (root.path("type").asText().equals("FeatureCollection")) root.path("features").forEach(features::add);
        else if (root.path("type").asText().equals("Feature")) features.add(root);
        else throw polygons.error("GeoJSON of type '" + root.path("type").asText()
                + "' is not a FeatureCollection, a Feature or an array of Features: export the annotations from QuPath as GeoJSON");

        List<AnnotationRegion> regions = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            JsonNode properties = features.get(i).path("properties");
            String objectType = properties.path("objectType").asText("");
            if (NOT_ANNOTATIONS.contains(objectType.toLowerCase(Locale.ROOT))) continue;
            String name = properties.path("name").asText("");
            String className = className(properties, name, objectType);
            String label = name.isBlank() ? "feature " + (i + 1) : "feature " + (i + 1) + " '" + name + "'";
            String what = label + " (class " + className + ")";
            Geometry g = geometry(features.get(i).path("geometry"), what, polygons);
            if (g != null) regions.add(new AnnotationRegion(name.isBlank() ? label : name, className, g));
        }
        return regions;
    }

    /** NCRF: {@code positive} polygons get class "positive", {@code negative} ones (exclusions) "negative". */
    static List<AnnotationRegion> ncrf(JsonNode root, Polygons polygons) {
        List<AnnotationRegion> regions = new ArrayList<>();
        for (String className : List.of("positive", "negative")) {
            List<JsonNode> list = list(root.path(className), "'" + className + "'", polygons);
            for (int i = 0; i < list.size(); i++) {
                String name = list.get(i).path("name").asText(className + " " + (i + 1));
                String what = className + " polygon '" + name + "' (#" + (i + 1) + ")";
                Geometry g = polygons.polygon(what, ring(list.get(i).path("vertices"), what, polygons), List.of());
                if (g != null) regions.add(new AnnotationRegion(name, className, g));
            }
        }
        return regions;
    }

    private static String className(JsonNode properties, String name, String objectType) {
        JsonNode classification = properties.path("classification");
        String c = classification.isTextual() ? classification.asText() : classification.path("name").asText("");
        if (!c.isBlank()) return c;
        if (!name.isBlank()) return name;
        return objectType.isBlank() ? "annotation" : objectType;
    }

    private static Geometry geometry(JsonNode g, String what, Polygons polygons) {
        switch (g.path("type").asText("")) {
            case "Polygon":
                return polygon(g.path("coordinates"), what, polygons);
            case "MultiPolygon": {
                List<Geometry> parts = new ArrayList<>();
                List<JsonNode> list = list(g.path("coordinates"), what + ": coordinates", polygons);
                for (int i = 0; i < list.size(); i++) {
                    Geometry p = polygon(list.get(i), what + ", part " + (i + 1), polygons);
                    if (p != null) parts.add(p);
                }
                return multi(parts, what, polygons);
            }
            case "GeometryCollection": {
                List<Geometry> parts = new ArrayList<>();
                for (JsonNode member : list(g.path("geometries"), what + ": geometries", polygons)) {
                    Geometry p = geometry(member, what, polygons);
                    if (p != null) parts.add(p);
                }
                return multi(parts, what, polygons);
            }
            default:
                return null; // points, lines, or no geometry
        }
    }

    /** Parts that are each valid may still overlap; the whole is checked (and repaired) once more. */
    private static Geometry multi(List<Geometry> parts, String what, Polygons polygons) {
        if (parts.isEmpty()) return null;
        if (parts.size() == 1) return parts.get(0);
        List<Polygon> flat = new ArrayList<>();
        for (Geometry p : parts) {
            for (int i = 0; i < p.getNumGeometries(); i++) flat.add((Polygon) p.getGeometryN(i));
        }
        return polygons.checked(what, Polygons.FACTORY.createMultiPolygon(flat.toArray(Polygon[]::new)));
    }

    private static Geometry polygon(JsonNode node, String what, Polygons polygons) {
        List<JsonNode> rings = list(node, what + ": coordinates", polygons);
        if (rings.isEmpty()) return null;
        List<List<Coordinate>> holes = new ArrayList<>();
        for (int i = 1; i < rings.size(); i++) holes.add(ring(rings.get(i), what, polygons));
        return polygons.polygon(what, ring(rings.get(0), what, polygons), holes);
    }

    /** The elements of a list; none when it is missing or null; anything else is an error naming {@code what}. */
    private static List<JsonNode> list(JsonNode node, String what, Polygons polygons) {
        if (node.isMissingNode() || node.isNull()) return List.of();
        if (!node.isArray()) throw polygons.error(what + " is " + node.getNodeType().name().toLowerCase(Locale.ROOT)
                + ", expected a list");
        List<JsonNode> elements = new ArrayList<>(node.size());
        node.forEach(elements::add);
        return elements;
    }

    private static List<Coordinate> ring(JsonNode points, String what, Polygons polygons) {
        List<Coordinate> out = new ArrayList<>();
        for (JsonNode p : list(points, what + ": ring", polygons)) {
            if (!p.isArray() || p.size() < 2 || !p.get(0).isNumber() || !p.get(1).isNumber()) {
                throw polygons.error(what + ": vertex " + (out.size() + 1) + " is " + p + ", expected [x, y] numbers");
            }
            out.add(new Coordinate(p.get(0).asDouble(), p.get(1).asDouble()));
        }
        return out;
    }
}
