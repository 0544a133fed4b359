package io.histoscale.synth;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Tumour outlines in the XML that ASAP writes and Camelyon16/17 ship: polygons in the "Tumor" group. */
final class AsapXml {
    private AsapXml() {
    }

    static void write(Path file, List<PlantedLesion> lesions) {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            xml.writeStartDocument("UTF-8", "1.0");
            newline(xml, 0);
            xml.writeStartElement("ASAP_Annotations");
            newline(xml, 1);
            xml.writeStartElement("Annotations");
            for (int a = 0; a < lesions.size(); a++) {
                newline(xml, 2);
                xml.writeStartElement("Annotation");
                xml.writeAttribute("Name", "Annotation " + a);
                xml.writeAttribute("Type", "Polygon");
                xml.writeAttribute("PartOfGroup", "Tumor");
                xml.writeAttribute("Color", "#F4FA58");
                newline(xml, 3);
                xml.writeStartElement("Coordinates");
                double[][] polygon = lesions.get(a).polygon();
                for (int i = 0; i < polygon.length; i++) {
                    newline(xml, 4);
                    xml.writeEmptyElement("Coordinate");
                    xml.writeAttribute("Order", Integer.toString(i));
                    xml.writeAttribute("X", BigDecimal.valueOf(polygon[i][0]).toPlainString());
                    xml.writeAttribute("Y", BigDecimal.valueOf(polygon[i][1]).toPlainString());
                }
                newline(xml, 3);
                xml.writeEndElement();
                newline(xml, 2);
                xml.writeEndElement();
            }
            newline(xml, 1);
            xml.writeEndElement();
            newline(xml, 1);
            xml.writeStartElement("AnnotationGroups");
            newline(xml, 2);
            xml.writeStartElement("Group");
            xml.writeAttribute("Name", "Tumor");
            xml.writeAttribute("PartOfGroup", "None");
            xml.writeAttribute("Color", "#FF0000");
            newline(xml, 3);
            xml.writeEmptyElement("Attributes");
            newline(xml, 2);
            xml.writeEndElement();
            newline(xml, 1);
            xml.writeEndElement();
            newline(xml, 0);
            xml.writeEndElement();
            newline(xml, 0);
            xml.writeEndDocument();
            xml.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write annotations " + file, e);
        } catch (XMLStreamException e) {
            throw new UncheckedIOException("cannot write annotations " + file, new IOException(e));
        }
    }

    private static void newline(XMLStreamWriter xml, int depth) throws XMLStreamException {
        xml.writeCharacters("\n" + "\t".repeat(depth));
    }
}
