package io.histoscale.slide.annotation;

import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AnnotationReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static String asapPolygon(String name, String group, double... xy) {
        StringBuilder s = new StringBuilder("<Annotation Name=\"" + name + "\" Type=\"Polygon\" PartOfGroup=\"" + group + "\" Color=\"#F4FA58\"><Coordinates>");
        for (int i = 0; i < xy.length; i += 2) {
            s.append("<Coordinate Order=\"").append(i / 2).append("\" X=\"").append(xy[i]).append("\" Y=\"").append(xy[i + 1]).append("\"/>");
        }
        return s.append("</Coordinates></Annotation>").toString();
    }

    private static String asap(String... annotations) {
        return "<?xml version=\"1.0\"?>\n<ASAP_Annotations><Annotations>" + String.join("\n", annotations)
                + "</Annotations><AnnotationGroups><Group Name=\"_0\" PartOfGroup=\"None\" Color=\"#ff0000\"><Attributes/></Group>"
                + "</AnnotationGroups></ASAP_Annotations>";
    }

    @Test
    void regionsOutsideTheSlideAreReportedAndAllTumourOutsideIsAnError() throws IOException {
        Path file = write("slide_7.xml", asap(
                asapPolygon("inside", "Tumor", 100, 100, 200, 100, 200, 200, 100, 200),
                asapPolygon("far", "Tumor", 9000, 100, 9100, 100, 9100, 200, 9000, 200),
                asapPolygon("edge", "_2", 1000, 0, 1100, 0, 1100, 100, 1000, 100)));
        SlideAnnotations a = Annotations.read(file);
        assertThat(a.checkWithin(2000, 1000)).singleElement().asString().contains("slide_7.xml")
                .contains("'far'").contains("x 9000..9100").contains("2000 x 1000");
        // a region touching the right edge from outside has no pixel inside
        assertThat(a.checkWithin(1000, 1000)).hasSize(2);
        assertThat(a.checkWithin(10000, 1000)).isEmpty();
        assertThatThrownBy(() -> a.checkWithin(50, 50)).isInstanceOf(UserException.class)
                .hasMessageContaining("slide_7.xml").hasMessageContaining("every tumour region")
                .hasMessageContaining("50 x 50");
    }

    @Test
    void asapTumourMinusExclusionGivesExactFractions() throws IOException {
        Path file = write("Tumor_900.xml", asap(
                asapPolygon("Annotation 0", "_0", 0, 0, 1000, 0, 1000, 1000, 0, 1000),
                asapPolygon("Annotation 1", "_2", 400, 400, 600, 400, 600, 600, 400, 600),
                asapPolygon("Annotation 2", "Tumor", 2000, 0, 2100, 0, 2100, 100, 2000, 100),
                "<Annotation Name=\"dot\" Type=\"Dot\" PartOfGroup=\"_0\"><Coordinates><Coordinate Order=\"0\" X=\"5\" Y=\"5\"/></Coordinates></Annotation>"));

        SlideAnnotations a = Annotations.read(file);

        assertThat(a.format()).isEqualTo(AnnotationFormat.ASAP_XML);
        assertThat(a.regions()).extracting(AnnotationRegion::className).containsExactly("_0", "_2", "Tumor");
        assertThat(a.tumourRegions()).hasSize(2);
        assertThat(a.exclusionRegions()).extracting(AnnotationRegion::name).containsExactly("Annotation 1");
        assertThat(a.tumour().getArea()).isEqualTo(1000 * 1000 - 200 * 200 + 100 * 100);
        assertThat(a.lesions()).hasSize(2);
        assertThat(a.tumourFraction(100, 100, 200, 200)).isEqualTo(1.0);
        assertThat(a.tumourFraction(450, 450, 100, 100)).isEqualTo(0.0); // inside the hole
        assertThat(a.tumourFraction(350, 450, 100, 100)).isCloseTo(0.5, within(1e-12)); // half on the hole's edge
        assertThat(a.tumourFraction(900, 0, 200, 100)).isCloseTo(0.5, within(1e-12)); // half off the tumour
        assertThat(a.tumourFraction(1950, 50, 100, 100)).isCloseTo(0.25, within(1e-12));
        assertThat(a.tumourFraction(5000, 5000, 10, 10)).isZero();
        assertThat(a.repairs()).isEmpty();
    }

    @Test
    void asapCoordinatesFollowTheirOrderAttribute() throws IOException {
        Path file = write("order.xml", asap("<Annotation Name=\"A\" Type=\"Polygon\" PartOfGroup=\"_0\"><Coordinates>"
                + "<Coordinate Order=\"2\" X=\"10\" Y=\"10\"/><Coordinate Order=\"0\" X=\"0\" Y=\"0\"/>"
                + "<Coordinate Order=\"3\" X=\"0\" Y=\"10\"/><Coordinate Order=\"1\" X=\"10\" Y=\"0\"/>"
                + "</Coordinates></Annotation>"));
        assertThat(Annotations.read(file).tumour().getArea()).isEqualTo(100); // in file order it would cross itself
    }

    @Test
    void aperioNegativeRegionsAreHolesAndEllipsesAreRound() throws IOException {
        Path file = write("aperio.xml", """
                <Annotations MicronsPerPixel="0.25">
                  <Annotation Id="1" Name="Tumor" Type="4">
                    <Attributes/>
                    <Regions>
                      <Region Id="1" Type="0" NegativeROA="0"><Vertices>
                        <Vertex X="0" Y="0" Z="0"/><Vertex X="100" Y="0" Z="0"/><Vertex X="100" Y="100" Z="0"/><Vertex X="0" Y="100" Z="0"/>
                      </Vertices></Region>
                      <Region Id="2" Type="0" NegativeROA="1"><Vertices>
                        <Vertex X="20" Y="20"/><Vertex X="40" Y="20"/><Vertex X="40" Y="40"/><Vertex X="20" Y="40"/>
                      </Vertices></Region>
                    </Regions>
                  </Annotation>
                  <Annotation Id="2" Name="" Type="4">
                    <Attributes><Attribute Name="Description" Id="0" Value="stroma"/></Attributes>
                    <Regions>
                      <Region Id="1" Type="2" NegativeROA="0"><Vertices><Vertex X="1000" Y="1000"/><Vertex X="1200" Y="1100"/></Vertices></Region>
                      <Region Id="2" Type="3" NegativeROA="0"><Vertices><Vertex X="0" Y="0"/><Vertex X="50" Y="50"/></Vertices></Region>
                    </Regions>
                  </Annotation>
                </Annotations>
                """);

        SlideAnnotations a = Annotations.read(file);

        assertThat(a.format()).isEqualTo(AnnotationFormat.APERIO_XML);
        assertThat(a.regions()).extracting(AnnotationRegion::className).containsExactly("Tumor", "stroma");
        assertThat(a.regions().get(0).area()).isEqualTo(100 * 100 - 20 * 20);
        assertThat(a.tumourFraction(25, 25, 10, 10)).isZero();
        assertThat(a.regions().get(1).area()).isCloseTo(Math.PI * 100 * 50, within(0.01 * Math.PI * 100 * 50));
        assertThat(a.tumour().getArea()).isEqualTo(100 * 100 - 20 * 20);
    }

    @Test
    void sharedAperioAnnotationMatchesTheAreaImageScopeRecorded() {
        SlideAnnotations a = Annotations.read(SharedData.file("wsi-samples/CMU-1-Small-Region.aperio-annotation.xml"));
        assertThat(a.format()).isEqualTo(AnnotationFormat.APERIO_XML);
        assertThat(a.regions()).hasSize(1);
        AnnotationRegion region = a.regions().get(0);
        assertThat(region.className()).isEqualTo("annotation"); // the layer has no name and no attributes
        assertThat(region.geometry().getNumPoints()).isEqualTo(326); // the file repeats the first vertex last
        assertThat(region.area()).isCloseTo(460627.5, within(0.005 * 460627.5)); // Area="460627.5" in the file
        // ImageScope's AreaMicrons at 0.499 µm/px:
        assertThat(region.area() * 0.499 * 0.499).isCloseTo(114696.7, within(0.005 * 114696.7));
        assertThat(a.tumour().isEmpty()).isTrue(); // "annotation" is not a tumour class
    }

    @Test
    void geoJsonWithHolesMultiPolygonsAndClassFallbacks() throws IOException {
        Path file = write("qupath.geojson", """
                {"type": "FeatureCollection", "features": [
                  {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [
                     [[0,0],[100,0],[100,100],[0,100],[0,0]], [[10,10],[30,10],[30,30],[10,30],[10,10]]]},
                   "properties": {"objectType": "annotation", "name": "big", "classification": {"name": "Tumor", "color": [200,0,0]}}},
                  {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [
                     [[[200,0],[210,0],[210,10],[200,10],[200,0]]], [[[300,0],[310,0],[310,10],[300,10],[300,0]]]]},
                   "properties": {"objectType": "annotation", "name": "Stroma"}},
                  {"type": "Feature", "geometry": {"type": "Point", "coordinates": [5, 5]},
                   "properties": {"objectType": "annotation", "classification": {"name": "Tumor"}}},
                  {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[500,500],[510,500],[510,510],[500,500]]]},
                   "properties": {"objectType": "detection", "classification": {"name": "Tumor"}}},
                  {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[400,0],[410,0],[410,10],[400,0]]]},
                   "properties": {"objectType": "annotation"}}
                ]}
                """);

        SlideAnnotations a = Annotations.read(file);

        assertThat(a.format()).isEqualTo(AnnotationFormat.GEOJSON);
        assertThat(a.regions()).extracting(AnnotationRegion::className).containsExactly("Tumor", "Stroma", "annotation");
        assertThat(a.regions()).extracting(AnnotationRegion::name).containsExactly("big", "Stroma", "feature 5");
        assertThat(a.regions().get(1).area()).isEqualTo(200);
        assertThat(a.tumour().getArea()).isEqualTo(100 * 100 - 20 * 20);
        assertThat(a.tumourFraction(15, 15, 10, 10)).isZero();
        assertThat(a.tumourFraction(500, 500, 10, 10)).isZero(); // detections are not annotations
    }

    @Test
    void geoJsonAsABareArrayOfFeatures() throws IOException {
        Path file = write("array.json", """
                [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0,0],[10,0],[10,10],[0,10],[0,0]]]},
                  "properties": {"classification": {"name": "Metastasis"}}}]
                """);
        SlideAnnotations a = Annotations.read(file);
        assertThat(a.format()).isEqualTo(AnnotationFormat.GEOJSON);
        assertThat(a.tumour().getArea()).isEqualTo(100);
    }

    @Test
    void ncrfJsonPositiveIsTumourNegativeIsExcluded() throws IOException {
        Path file = write("ncrf.json", """
                {"positive": [{"name": "_0", "vertices": [[0,0],[100,0],[100,100],[0,100]]}],
                 "negative": [{"name": "_2", "vertices": [[0,0],[50,0],[50,100],[0,100]]}]}
                """);
        SlideAnnotations a = Annotations.read(file);
        assertThat(a.format()).isEqualTo(AnnotationFormat.NCRF_JSON);
        assertThat(a.regions()).extracting(AnnotationRegion::className).containsExactly("positive", "negative");
        assertThat(a.tumour().getArea()).isEqualTo(5000);
        assertThat(a.tumourFraction(0, 0, 100, 100)).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void sharedNcrfJsonsReadWithRepairAndCountsMatchTheSummary() throws IOException {
        Path jsons = SharedData.file("camelyon16-annotations-ncrf/jsons");
        List<String> summary = Files.readAllLines(jsons.resolveSibling("annotation_summary.csv"));
        AnnotationReader reader = AnnotationReader.builder().optRepair(true).build();
        for (String line : summary.subList(1, summary.size())) {
            String[] f = line.split(",");
            SlideAnnotations a = reader.read(jsons.resolve(f[0]));
            assertThat(a.tumourRegions()).as(f[0]).hasSize(Integer.parseInt(f[1]));
            assertThat(a.exclusionRegions()).as(f[0]).hasSize(Integer.parseInt(f[2]));
            assertThat(a.tumour().isEmpty()).as(f[0]).isEqualTo(f[0].startsWith("Normal"));
        }
    }

    @Test
    void realSelfIntersectionIsReportedWithNameAndPlaceAndRepairedOnRequest() {
        Path file = SharedData.file("camelyon16-annotations-ncrf/jsons/Tumor_001.json");
        assertThatThrownBy(() -> Annotations.read(file))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("Tumor_001.json")
                .hasMessageContaining("'_1'")
                .hasMessageContaining("crosses itself at (71272.0, 127775.0)")
                .hasMessageContaining("--repair-annotations");

        SlideAnnotations repaired = AnnotationReader.builder().optRepair(true).build().read(file);
        assertThat(repaired.repairs()).singleElement().asString().contains("'_1'", "repaired");
        assertThat(repaired.lesions()).hasSize(2);
        // NCRF's own valid-patch coordinates are not used here: the slide's lesions are ~1.3 mm across at 0.243 µm/px.
        assertThat(repaired.lesions().stream().mapToDouble(l -> l.largestDiameterUm(0.243, 0.243)).max().orElseThrow())
                .isBetween(1000.0, 2000.0);
    }

    @Test
    void bowtieIsAnErrorNamingThePolygonAndTheCrossingAndRepairKeepsBothLobes() throws IOException {
        Path file = write("bowtie.geojson", """
                {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0,0],[10,10],[10,0],[0,10],[0,0]]]},
                 "properties": {"name": "bow", "classification": {"name": "Tumor"}}}
                """);

        assertThatThrownBy(() -> Annotations.read(file))
                .isInstanceOf(UserException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("feature 1 'bow' (class Tumor) crosses itself at (5.0, 5.0)")
                .hasMessageContaining("QuPath");

        SlideAnnotations repaired = AnnotationReader.builder().optRepair(true).build().read(file);
        assertThat(repaired.tumour().getArea()).isEqualTo(50);
        assertThat(repaired.tumour().getNumGeometries()).isEqualTo(2);
        assertThat(repaired.repairs()).singleElement().asString().contains("bow", "(5.0, 5.0)", "area 50");
    }

    @Test
    void polygonWithTooFewVerticesIsAnErrorOrDroppedByRepair() throws IOException {
        Path file = write("two.xml", asap(asapPolygon("Line", "_0", 0, 0, 10, 10),
                asapPolygon("Box", "_0", 0, 0, 10, 0, 10, 10, 0, 10)));
        assertThatThrownBy(() -> Annotations.read(file))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("two.xml")
                .hasMessageContaining("polygon 'Line' (group _0) has 2 distinct vertices at (0.0, 0.0)");
        SlideAnnotations repaired = AnnotationReader.builder().optRepair(true).build().read(file);
        assertThat(repaired.regions()).extracting(AnnotationRegion::name).containsExactly("Box");
        assertThat(repaired.repairs()).singleElement().asString().contains("'Line'", "dropped");
    }

    @Test
    void badFilesGiveOneClearError() throws IOException {
        assertThatThrownBy(() -> Annotations.read(write("broken.xml", "<ASAP_Annotations><Annotations>")))
                .isInstanceOf(UserException.class).hasMessageContaining("broken.xml").hasMessageContaining("not well-formed XML");
        assertThatThrownBy(() -> Annotations.read(write("broken.json", "{\"positive\": [")))
                .isInstanceOf(UserException.class).hasMessageContaining("broken.json").hasMessageContaining("not well-formed JSON");
        assertThatThrownBy(() -> Annotations.read(write("notes.txt", "tumour at the top left")))
                .isInstanceOf(UserException.class).hasMessageContaining("notes.txt").hasMessageContaining("no known format");
        assertThatThrownBy(() -> Annotations.read(write("other.json", "{\"cells\": []}")))
                .isInstanceOf(UserException.class).hasMessageContaining("other.json").hasMessageContaining("no known format");
        assertThatThrownBy(() -> Annotations.read(write("svg.xml", "<svg/>")))
                .isInstanceOf(UserException.class).hasMessageContaining("svg.xml").hasMessageContaining("<svg>");
        assertThatThrownBy(() -> Annotations.read(write("nan.xml", asap(asapPolygon("A", "_0", 0, 0, 1, 0, 1, 1).replace("X=\"1.0\"", "X=\"one\"")))))
                .isInstanceOf(UserException.class).hasMessageContaining("polygon 'A'").hasMessageContaining("X=\"one\" is not a number");
        assertThatThrownBy(() -> Annotations.read(dir.resolve("missing.xml")))
                .isInstanceOf(UserException.class).hasMessageContaining("missing.xml");
    }

    @Test
    void tumourClassesAreConfigurable() throws IOException {
        Path file = write("custom.xml", asap(asapPolygon("A", "lesion", 0, 0, 10, 0, 10, 10, 0, 10),
                asapPolygon("B", "Tumor", 20, 0, 30, 0, 30, 10, 20, 10)));
        assertThat(Annotations.read(file).tumour().getArea()).isEqualTo(100); // only "Tumor" by default
        SlideAnnotations custom = AnnotationReader.builder()
                .optClasses(AnnotationClasses.of(Set.of("LESION"), Set.of())).build().read(file);
        assertThat(custom.tumourRegions()).extracting(AnnotationRegion::name).containsExactly("A");
    }

    @Test
    void largestDiameterUsesBothResolutions() throws IOException {
        Path file = write("rect.json", "{\"positive\": [{\"name\": \"r\", \"vertices\": [[0,0],[300,0],[300,400],[0,400]]}]}");
        AnnotationRegion r = Annotations.read(file).regions().get(0);
        assertThat(r.largestDiameterUm(0.5, 0.25)).isCloseTo(Math.hypot(150, 100), within(1e-9));
    }

    @Test
    void geoJsonExportReadsBackTheSameRegions() throws IOException {
        SlideAnnotations original = Annotations.read(write("in.geojson", """
                {"type": "FeatureCollection", "features": [
                  {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [
                     [[0,0],[100,0],[100,100],[0,100],[0,0]], [[10,10],[30,10],[30,30],[10,30],[10,10]]]},
                   "properties": {"name": "with hole", "classification": {"name": "Tumor"}}},
                  {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [
                     [[[200.5,0],[210,0],[210,10],[200.5,10],[200.5,0]]], [[[300,0],[310,0],[310,10],[300,10],[300,0]]]]},
                   "properties": {"name": "two parts", "classification": {"name": "normal"}}}]}
                """));
        Path out = dir.resolve("out.geojson");

        Annotations.writeGeoJson(original.regions(), out);
        SlideAnnotations back = Annotations.read(out);

        assertThat(back.format()).isEqualTo(AnnotationFormat.GEOJSON);
        assertThat(back.regions()).extracting(AnnotationRegion::name).containsExactly("with hole", "two parts");
        assertThat(back.regions()).extracting(AnnotationRegion::className).containsExactly("Tumor", "normal");
        for (int i = 0; i < 2; i++) {
            assertThat(back.regions().get(i).geometry().equalsExact(original.regions().get(i).geometry())).isTrue();
        }
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toFile());
        var properties = json.path("features").get(0).path("properties");
        assertThat(properties.path("objectType").asText()).isEqualTo("annotation");
        assertThat(properties.path("classification").path("color").toString()).isEqualTo("[200,0,0]");
    }
}
