package io.histoscale.slide.annotation;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.operation.overlayng.OverlayNG;
import org.locationtech.jts.operation.overlayng.OverlayNGRobust;
import org.locationtech.jts.util.GeometricShapeFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** ASAP and Aperio ImageScope XML. */
final class XmlAnnotations {
    private XmlAnnotations() {
    }

    /**
     * ASAP: {@code ASAP_Annotations/Annotations/Annotation[@PartOfGroup]/Coordinates/Coordinate[@Order,@X,@Y]}. The
     * group is the class; dots and point sets have no area and are skipped.
     */
    static List<AnnotationRegion> asap(Element root, Polygons polygons) {
        List<AnnotationRegion> regions = new ArrayList<>();
        int index = 0;
        for (Element annotation : descendants(root, "Annotation")) {
            index++;
            String type = annotation.getAttribute("Type");
            if (type.equalsIgnoreCase("Dot") || type.equalsIgnoreCase("PointSet")) continue;
            String name = orElse(annotation.getAttribute("Name"), "annotation " + index);
            String group = annotation.getAttribute("PartOfGroup");
            String className = group.isBlank() || group.equalsIgnoreCase("None") ? "annotation" : group;
            String what = "polygon '" + name + "' (group " + className + ")";
            List<Element> points = new ArrayList<>(descendants(annotation, "Coordinate"));
            points.sort(Comparator.comparingDouble(c -> c.hasAttribute("Order") ? number(c, "Order", what, polygons) : 0));
            List<Coordinate> shell = new ArrayList<>();
            for (Element c : points) shell.add(point(c, what, polygons));
            Geometry g = polygons.polygon(what, shell, List.of());
            if (g != null) regions.add(new AnnotationRegion(name, className, g));
        }
        return regions;
    }

    /**
     * Aperio: {@code Annotations/Annotation/Regions/Region/Vertices/Vertex[@X,@Y]}. Each annotation layer is one
     * class (its name, else its first attribute); regions marked {@code NegativeROA="1"} are holes in the other
     * regions of their layer. Ellipses (type 2) are stored as two corners; arrows (type 3) have no area.
     */
    static List<AnnotationRegion> aperio(Element root, Polygons polygons) {
        List<AnnotationRegion> regions = new ArrayList<>();
        int layerIndex = 0;
        for (Element layer : children(root, "Annotation")) {
            layerIndex++;
            String className = layerClass(layer);
            String layerName = "annotation layer " + orElse(layer.getAttribute("Id"), String.valueOf(layerIndex))
                    + " ('" + className + "')";
            List<AnnotationRegion> positive = new ArrayList<>();
            List<Geometry> negative = new ArrayList<>();
            int regionIndex = 0;
            for (Element region : descendants(layer, "Region")) {
                regionIndex++;
                String type = region.getAttribute("Type");
                if (type.equals("3")) continue;
                String id = orElse(region.getAttribute("Id"), String.valueOf(regionIndex));
                String what = "region " + id + " of " + layerName;
                List<Coordinate> vertices = new ArrayList<>();
                for (Element v : descendants(region, "Vertex")) vertices.add(point(v, what, polygons));
                Geometry g = type.equals("2") && vertices.size() == 2
                        ? ellipse(vertices.get(0), vertices.get(1))
                        : polygons.polygon(what, vertices, List.of());
                if (g == null) continue;
                if (region.getAttribute("NegativeROA").equals("1")) {
                    negative.add(g);
                } else {
                    positive.add(new AnnotationRegion(orElse(region.getAttribute("Text"), "region " + id), className, g));
                }
            }
            if (!negative.isEmpty()) {
                List<Geometry> outlines = new ArrayList<>(negative);
                positive.forEach(r -> outlines.add(r.geometry()));
                if (Crossings.tooMany(outlines)) {
                    throw polygons.error(layerName + ": its regions and the holes cut out of them (NegativeROA) cross"
                            + " each other at more than " + Crossings.LIMIT + " places, too many to combine: redraw"
                            + " them in ImageScope");
                }
            }
            Geometry holes = negative.isEmpty() ? null : Polygons.FACTORY.buildGeometry(negative).union();
            for (AnnotationRegion r : positive) {
                Geometry g = holes == null ? r.geometry()
                        : Polygons.polygonalPart(OverlayNGRobust.overlay(r.geometry(), holes, OverlayNG.DIFFERENCE));
                if (g != null) regions.add(new AnnotationRegion(r.name(), className, g));
            }
        }
        return regions;
    }

    private static String layerClass(Element layer) {
        String name = layer.getAttribute("Name");
        if (!name.isBlank()) return name.trim();
        for (Element attribute : descendants(firstChild(layer, "Attributes"), "Attribute")) {
            String value = attribute.getAttribute("Value");
            if (!value.isBlank()) return value.trim();
            String attributeName = attribute.getAttribute("Name");
            if (!attributeName.isBlank()) return attributeName.trim();
        }
        return "annotation";
    }

    private static Polygon ellipse(Coordinate a, Coordinate b) {
        GeometricShapeFactory shapes = new GeometricShapeFactory(Polygons.FACTORY);
        shapes.setBase(new Coordinate(Math.min(a.x, b.x), Math.min(a.y, b.y)));
        shapes.setWidth(Math.abs(a.x - b.x));
        shapes.setHeight(Math.abs(a.y - b.y));
        shapes.setNumPoints(64);
        return shapes.createEllipse();
    }

    private static Coordinate point(Element e, String what, Polygons polygons) {
        return new Coordinate(number(e, "X", what, polygons), number(e, "Y", what, polygons));
    }

    private static double number(Element e, String attribute, String what, Polygons polygons) {
        String text = e.getAttribute(attribute).trim();
        if (text.isEmpty()) throw polygons.error(what + ": a <" + e.getTagName() + "> has no " + attribute + " attribute");
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException ex) {
            throw polygons.error(what + ": <" + e.getTagName() + "> " + attribute + "=\"" + text + "\" is not a number");
        }
    }

    private static String orElse(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static List<Element> descendants(Element parent, String tag) {
        List<Element> out = new ArrayList<>();
        if (parent == null) return out;
        var nodes = parent.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) out.add((Element) nodes.item(i));
        return out;
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) out.add(e);
        }
        return out;
    }

    private static Element firstChild(Element parent, String tag) {
        List<Element> found = children(parent, tag);
        return found.isEmpty() ? null : found.get(0);
    }
}
