package io.histoscale.slide.annotation;

import io.histoscale.core.fuzz.Fuzz;
import io.histoscale.core.fuzz.Mutations;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import net.jqwik.api.statistics.Statistics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;


/**
 * Hostile annotation files: random ASAP, Aperio, GeoJSON and NCRF documents (empty, tiny, crossing, huge and
 * non-finite polygons), then damaged (cut, bytes flipped, entities and DOCTYPEs, deep nesting, extreme numbers). Each
 * is read with and without repair, and must give annotations or a {@link io.histoscale.core.UserException} naming
 * the file, within the time and allocation limits.
 */
@Tag("fuzz")
class AnnotationReaderFuzzTest {
    private static final List<String> XML_SNIPPETS = List.of(
            "<!DOCTYPE ASAP_Annotations [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>",
            "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>", "&x;", "&a;", "&#0;", "&#x110000;", "&amp;",
            "<![CDATA[", "]]>", "<?xml version=\"1.1\"?>", "<!-- ", " -->", "</Annotation>", "<Annotation>",
            "<Coordinate Order=\"NaN\" X=\"1\" Y=\"2\"/>", "<Coordinate Order=\"1e309\" X=\"-1e309\" Y=\"NaN\"/>",
            "<Vertex X=\"1e308\" Y=\"-1e308\"/>", "<Vertex X=\"4.9e-324\" Y=\"0\"/>", " Type=\"2\"", " NegativeROA=\"1\"",
            "<Region Type=\"2\" NegativeROA=\"1\"><Vertices><Vertex X=\"0\" Y=\"0\"/><Vertex X=\"0\" Y=\"0\"/></Vertices></Region>",
            "<Annotations>", "</Annotations>", "\u0000", "\uFEFF", "<a xmlns:b=\"urn:x\"><b:c/></a>",
            "<x>".repeat(3000) + "</x>".repeat(3000));
    private static final List<String> JSON_SNIPPETS = List.of("[", "]", "{", "}", ",", ":", "null", "true", "\"\"",
            "{}", "[]", "\"coordinates\": {\"a\": 1}, ", "\"coordinates\": \"x\", ", "\"geometries\": {\"a\": []}, ",
            "{\"type\":\"GeometryCollection\",\"geometries\":[", "\"positive\": {\"a\": {}}, ", "\"vertices\": {}, ",
            "1e999999", "-1e309", "123456789012345678901234567890", "NaN", "\"\\uD800\"", "\"\\u0000\"", "\uFEFF",
            "[".repeat(1500), "]".repeat(1500), "{\"a\":".repeat(1200), "[".repeat(900) + "]".repeat(900),
            "{\"type\": \"MultiPolygon\", \"coordinates\": {\"a\": [[0, 0]]}}",
            "{\"type\": \"Polygon\", \"coordinates\": [{\"a\": 1}]}");

    @Property(tries = 600, seed = "20261210", shrinking = ShrinkingMode.OFF)
    void anyDocumentGivesAnnotationsOrAUserErrorNamingTheFile(@ForAll("documents") Document doc) {
        String plain = Fuzz.parse(doc.fileName(), doc.bytes(), file -> use(Annotations.read(file)));
        String repaired = Fuzz.parse(doc.fileName(), doc.bytes(),
                file -> use(AnnotationReader.builder().optRepair(true).build().read(file)));
        Statistics.collect(plain + "/" + repaired);
        // The suite means something only if it reaches both sides: files that read and files that are refused.
        Statistics.coverage(coverage -> {
            coverage.check("accepted/accepted").count(n -> n > 30);
            coverage.check("rejected/rejected").count(n -> n > 30);
        });
    }

    @Property(tries = 40, seed = "20261211", shrinking = ShrinkingMode.OFF)
    void deeplyNestedJsonIsRefusedOrReadWithoutOverflowingTheStack(@ForAll("nestings") Document doc) {
        Statistics.collect(Fuzz.parse(doc.fileName(), doc.bytes(), file -> use(Annotations.read(file))));
    }

    @Provide
    Arbitrary<Document> documents() {
        return Arbitraries.randomValue(AnnotationReaderFuzzTest::document);
    }

    @Provide
    Arbitrary<Document> nestings() {
        return Arbitraries.randomValue(AnnotationReaderFuzzTest::nested);
    }

    /** A document: the extension of the file it is written to, and its content. */
    record Document(String extension, Fuzz.Bytes bytes) {
        Document(String extension, byte[] bytes) {
            this(extension, new Fuzz.Bytes(bytes));
        }

        String fileName() {
            return "fuzzed-annotations." + extension;
        }
    }

    /** Uses what was read as a caller would: the tumour area, its lesions and a patch's fraction. */
    private static Object use(SlideAnnotations annotations) {
        annotations.tumour().getArea();
        annotations.lesions();
        annotations.checkWithin(100_000, 100_000);
        return annotations.tumourFraction(0, 0, 512, 512);
    }

    static Document document(Random random) {
        List<List<double[]>> polygons = new ArrayList<>();
        int count = random.nextInt(6);
        for (int i = 0; i < count; i++) {
            polygons.add(polygon(random));
        }
        List<String> classes = List.of("Tumor", "_0", "_2", "Exclusion", "normal", "", "None", "tumor");
        String format = Mutations.pick(List.of("asap", "aperio", "geojson", "ncrf"), random);
        String text = switch (format) {
            case "asap" -> asap(polygons, classes, random);
            case "aperio" -> aperio(polygons, classes, random);
            case "geojson" -> geoJson(polygons, classes, random);
            default -> ncrf(polygons, random);
        };
        String extension = format.startsWith("a") ? "xml" : "json";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(10) < 7) {
            bytes = Mutations.mutate(bytes, random, 4, extension.equals("xml") ? XML_SNIPPETS : JSON_SNIPPETS);
        }
        return new Document(extension, bytes);
    }

    /**
     * Vertices of one polygon: none, one or two, a regular star-shaped outline (valid), or random points (usually
     * crossing); now and then with extreme or non-finite coordinates, or tens of thousands of vertices.
     */
    private static List<double[]> polygon(Random random) {
        int kind = random.nextInt(10);
        int n = switch (kind) {
            case 0 -> random.nextInt(3);
            case 1 -> 20_000 + random.nextInt(20_000);
            default -> 3 + random.nextInt(40);
        };
        double cx = random.nextInt(20_000), cy = random.nextInt(20_000), r = 1 + random.nextInt(5_000);
        boolean star = random.nextBoolean();
        List<double[]> points = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double angle = 2 * Math.PI * i / n;
            double radius = star ? r * (0.6 + 0.4 * ((i * 7919) % 13) / 13.0) : r * random.nextDouble();
            double x = star ? cx + radius * Math.cos(angle) : cx + random.nextGaussian() * r;
            double y = star ? cy + radius * Math.sin(angle) : cy + random.nextGaussian() * r;
            points.add(new double[] {extreme(x, random), extreme(y, random)});
        }
        return points;
    }

    private static double extreme(double value, Random random) {
        if (random.nextInt(200) != 0) return Math.round(value * 10) / 10.0;
        return Mutations.pick(List.of(Double.NaN, Double.POSITIVE_INFINITY, -Double.MAX_VALUE, Double.MAX_VALUE,
                Double.MIN_VALUE, 1e300, -1e-300, 0.0, -0.0), random);
    }

    private static String number(double value) {
        return Double.isFinite(value) && value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value) : Double.toString(value);
    }

    private static String asap(List<List<double[]>> polygons, List<String> classes, Random random) {
        StringBuilder s = new StringBuilder("<?xml version=\"1.0\"?>\n<ASAP_Annotations><Annotations>");
        for (int i = 0; i < polygons.size(); i++) {
            String type = random.nextInt(10) == 0 ? "Dot" : "Polygon";
            s.append("<Annotation Name=\"Annotation ").append(i).append("\" Type=\"").append(type)
                    .append("\" PartOfGroup=\"").append(Mutations.pick(classes, random)).append("\"><Coordinates>");
            List<double[]> points = polygons.get(i);
            for (int j = 0; j < points.size(); j++) {
                s.append("<Coordinate Order=\"").append(j).append("\" X=\"").append(number(points.get(j)[0]))
                        .append("\" Y=\"").append(number(points.get(j)[1])).append("\"/>");
            }
            s.append("</Coordinates></Annotation>");
        }
        return s.append("</Annotations><AnnotationGroups/></ASAP_Annotations>").toString();
    }

    private static String aperio(List<List<double[]>> polygons, List<String> classes, Random random) {
        StringBuilder s = new StringBuilder("<Annotations MicronsPerPixel=\"0.25\"><Annotation Id=\"1\" Name=\"")
                .append(Mutations.pick(classes, random)).append("\"><Regions>");
        for (int i = 0; i < polygons.size(); i++) {
            String type = Mutations.pick(List.of("0", "1", "2", "3"), random);
            s.append("<Region Id=\"").append(i + 1).append("\" Type=\"").append(type).append("\" NegativeROA=\"")
                    .append(random.nextInt(4) == 0 ? 1 : 0).append("\"><Vertices>");
            for (double[] p : polygons.get(i)) {
                s.append("<Vertex X=\"").append(number(p[0])).append("\" Y=\"").append(number(p[1])).append("\" Z=\"0\"/>");
            }
            s.append("</Vertices></Region>");
        }
        return s.append("</Regions></Annotation></Annotations>").toString();
    }

    private static String geoJson(List<List<double[]>> polygons, List<String> classes, Random random) {
        StringBuilder s = new StringBuilder("{\"type\": \"FeatureCollection\", \"features\": [");
        for (int i = 0; i < polygons.size(); i++) {
            if (i > 0) s.append(", ");
            String type = Mutations.pick(List.of("Polygon", "MultiPolygon", "GeometryCollection", "LineString"), random);
            String ring = ring(polygons.get(i));
            String coordinates = switch (type) {
                case "Polygon", "LineString" -> "\"coordinates\": [" + ring + "]";
                case "MultiPolygon" -> "\"coordinates\": [[" + ring + "], [" + ring + "]]";
                default -> "\"geometries\": [{\"type\": \"Polygon\", \"coordinates\": [" + ring + "]}]";
            };
            s.append("{\"type\": \"Feature\", \"geometry\": {\"type\": \"").append(type).append("\", ")
                    .append(coordinates).append("}, \"properties\": {\"objectType\": \"")
                    .append(Mutations.pick(List.of("annotation", "detection", "cell"), random))
                    .append("\", \"classification\": {\"name\": \"").append(Mutations.pick(classes, random))
                    .append("\", \"color\": [200, 0, 0]}}}");
        }
        return s.append("]}").toString();
    }

    private static String ncrf(List<List<double[]>> polygons, Random random) {
        StringBuilder s = new StringBuilder("{\"positive\": [");
        for (int i = 0; i < polygons.size(); i++) {
            if (i > 0) s.append(random.nextBoolean() ? ", " : "], \"negative\": [");
            s.append("{\"name\": \"Annotation ").append(i).append("\", \"vertices\": ").append(ring(polygons.get(i)))
                    .append("}");
        }
        return s.append("]}").toString();
    }

    /** Vertices as JSON, non-finite numbers written as JSON cannot hold them (as NaN and Infinity tokens). */
    private static String ring(List<double[]> points) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < points.size(); i++) {
            if (i > 0) s.append(", ");
            s.append('[').append(number(points.get(i)[0])).append(", ").append(number(points.get(i)[1])).append(']');
        }
        return s.append(']').toString();
    }

    /** GeoJSON nested {@code depth} levels deep: GeometryCollections in GeometryCollections, or plain arrays. */
    static Document nested(Random random) {
        int depth = 1 + random.nextInt(random.nextBoolean() ? 100 : 5_000);
        String polygon = "{\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [10, 0], [10, 10], [0, 0]]]}";
        String text = switch (random.nextInt(3)) {
            case 0 -> "{\"type\": \"Feature\", \"geometry\": "
                    + "{\"type\": \"GeometryCollection\", \"geometries\": [".repeat(depth) + polygon
                    + "]}".repeat(depth) + "}";
            case 1 -> "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Polygon\", \"coordinates\": "
                    + "[".repeat(depth) + "0" + "]".repeat(depth) + "}}";
            default -> String.format(Locale.ROOT, "{\"positive\": [{\"vertices\": %s}]}",
                    "[".repeat(depth) + "]".repeat(depth));
        };
        return new Document("json", text.getBytes(StandardCharsets.UTF_8));
    }
}
