package io.histoscale.slide.annotation;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads annotation files of any {@link AnnotationFormat}, telling the format from the content, into
 * {@link SlideAnnotations}. Immutable and safe to share between threads.
 *
 * <pre>{@code
 * SlideAnnotations a = AnnotationReader.builder().optRepair(true).build().read(Path.of("Tumor_001.xml"));
 * }</pre>
 */
public final class AnnotationReader {

    private final boolean repair;
    private final AnnotationClasses classes;

    private AnnotationReader(Builder builder) {
        this.repair = builder.repair;
        this.classes = builder.classes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * @throws UserException when the file cannot be read, is not one of the formats, or holds a polygon that is not
     *                       valid (and repair is off)
     */
    public SlideAnnotations read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserException("cannot read annotation file " + file + ": " + e.getMessage() + " (check the path and permissions)", e);
        }
        Polygons polygons = new Polygons(file, repair);
        return switch (firstSignificantChar(bytes)) {
            case '<' -> readXml(file, bytes, polygons);
            case '{', '[' -> readJson(file, bytes, polygons);
            default -> throw unknown(file);
        };
    }

    private SlideAnnotations readXml(Path file, byte[] bytes, Polygons polygons) {
        Element root = parseXml(file, bytes);
        return switch (root.getTagName()) {
            case "ASAP_Annotations" -> result(file, AnnotationFormat.ASAP_XML, XmlAnnotations.asap(root, polygons), polygons);
            case "Annotations" -> result(file, AnnotationFormat.APERIO_XML, XmlAnnotations.aperio(root, polygons), polygons);
            default -> throw new UserException("annotation file " + file + ": XML root element <" + root.getTagName()
                    + "> is neither ASAP (<ASAP_Annotations>) nor Aperio ImageScope (<Annotations>): export the"
                    + " annotations in one of those formats or as QuPath GeoJSON");
        };
    }

    private SlideAnnotations readJson(Path file, byte[] bytes, Polygons polygons) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            // a broken limit (nesting depth, number length) has no location
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new UserException("annotation file " + file + " is not well-formed JSON (" + e.getOriginalMessage()
                    + where + "): re-export it", e);
        } catch (IOException e) {
            throw new UserException("cannot read annotation file " + file + ": " + e.getMessage(), e);
        }
        if (JsonAnnotations.isNcrf(root)) {
            return result(file, AnnotationFormat.NCRF_JSON, JsonAnnotations.ncrf(root, polygons), polygons);
        }
        if (JsonAnnotations.isGeoJson(root)) {
            return result(file, AnnotationFormat.GEOJSON, JsonAnnotations.geoJson(root, polygons), polygons);
        }
        throw unknown(file);
    }

    private SlideAnnotations result(Path file, AnnotationFormat format, List<AnnotationRegion> regions, Polygons polygons) {
        return new SlideAnnotations(file, format, regions, classes, polygons.repairs());
    }

    private static Element parseXml(Path file, byte[] bytes) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            // Annotation files never need a DTD; refusing them also rules out external-entity tricks.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler()); // throw on fatal errors instead of printing them
            return builder.parse(new ByteArrayInputStream(bytes)).getDocumentElement();
        } catch (SAXException e) {
            String line = e instanceof SAXParseException p ? " at line " + p.getLineNumber() : "";
            throw new UserException("annotation file " + file + " is not well-formed XML (" + e.getMessage() + line + "): re-export it", e);
        } catch (IOException | ParserConfigurationException e) {
            throw new UserException("cannot read annotation file " + file + ": " + e.getMessage(), e);
        }
    }

    private static UserException unknown(Path file) {
        return new UserException("annotation file " + file + " is in no known format: HistoScale reads ASAP XML"
                + " (Camelyon), Aperio ImageScope XML, QuPath GeoJSON and NCRF JSON; export the annotations as one of those");
    }

    /** The first character that is not whitespace or a byte-order mark, or 0 for an empty file. */
    private static char firstSignificantChar(byte[] bytes) {
        for (byte b : bytes) {
            char c = (char) (b & 0xff);
            if (!Character.isWhitespace(c) && c != 0xef && c != 0xbb && c != 0xbf) return c;
        }
        return 0;
    }

    public static final class Builder {
        private boolean repair;
        private AnnotationClasses classes = AnnotationClasses.DEFAULT;

        private Builder() {
        }

        /**
         * Rebuild invalid polygons (self-intersections, holes outside their outline, ...) with JTS GeometryFixer and drop
         * those with fewer than 3 vertices, instead of failing. Off by default; what was changed is listed in
         * {@link SlideAnnotations#repairs()}.
         */
        public Builder optRepair(boolean repair) {
            this.repair = repair;
            return this;
        }

        /** Which class names mean tumour and exclusion; {@link AnnotationClasses#DEFAULT} by default. */
        public Builder optClasses(AnnotationClasses classes) {
            this.classes = classes;
            return this;
        }

        public AnnotationReader build() {
            return new AnnotationReader(this);
        }
    }
}
