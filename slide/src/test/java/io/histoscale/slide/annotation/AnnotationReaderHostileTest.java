package io.histoscale.slide.annotation;

import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Inputs {@link AnnotationReaderFuzzTest} found crashing the readers, kept as examples. */
class AnnotationReaderHostileTest {
    @TempDir
    Path dir;

    @Test
    void jsonNestedDeeperThanTheParserAllowsIsAUserError() throws IOException {
        Path file = Files.writeString(dir.resolve("deep.json"), "{\"positive\": [{\"vertices\": "
                + "[".repeat(2000) + "]".repeat(2000) + "}]}");
        assertThatThrownBy(() -> Annotations.read(file)).isInstanceOf(UserException.class)
                .hasMessageContaining("deep.json").hasMessageContaining("nesting depth");
    }

    @Test
    void anObjectWhereJsonAnnotationsHoldAListIsAUserErrorNamingTheFile() throws IOException {
        String[] documents = {
                "{\"positive\": {\"a\": {}}}",
                "{\"type\": \"Feature\", \"geometry\": {\"type\": \"MultiPolygon\", \"coordinates\": {\"a\": [[0, 0]]}}}",
                "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Polygon\", \"coordinates\": {\"a\": 1}}}"};
        for (int i = 0; i < documents.length; i++) {
            Path file = Files.writeString(dir.resolve("object-" + i + ".json"), documents[i]);
            assertThatThrownBy(() -> Annotations.read(file)).as(documents[i]).isInstanceOf(UserException.class)
                    .hasMessageContaining(file.getFileName().toString()).hasMessageContaining("list");
        }
    }

    @Test
    void combsLaidAcrossEachOtherAreRefusedAtOnceRatherThanUnitedForMinutes() throws IOException {
        // two valid outlines of 4,003 vertices crossing 4 million times: a 200 KB file whose union took 100 s, 12 GB
        Path file = Files.writeString(dir.resolve("combs.xml"), "<ASAP_Annotations><Annotations>"
                + asap("A", comb(1000, false)) + asap("B", comb(1000, true)) + "</Annotations></ASAP_Annotations>");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(() -> Annotations.read(file))
                .isInstanceOf(UserException.class).hasMessageContaining("combs.xml").hasMessageContaining("cross"));
    }

    @Test
    void aperioHolesCrossingTheirRegionEverywhereAreRefusedAtOnce() throws IOException {
        Path file = Files.writeString(dir.resolve("holes.xml"), "<Annotations><Annotation Id=\"1\" Name=\"Tumor\">"
                + "<Regions>" + aperio(comb(1000, false), false) + aperio(comb(1000, true), true)
                + "</Regions></Annotation></Annotations>");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(() -> Annotations.read(file))
                .isInstanceOf(UserException.class).hasMessageContaining("holes.xml").hasMessageContaining("cross"));
    }

    @Test
    void aScribbleIsNotRepairedForMinutes() throws IOException {
        // 2,000 random vertices cross each other some 400,000 times; GeometryFixer took minutes and gigabytes
        Random random = new Random(1);
        List<double[]> scribble = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            scribble.add(new double[] {random.nextInt(10_000), random.nextInt(10_000)});
        }
        Path file = Files.writeString(dir.resolve("scribble.xml"), "<ASAP_Annotations><Annotations>"
                + asap("S", scribble) + "</Annotations></ASAP_Annotations>");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(
                () -> AnnotationReader.builder().optRepair(true).build().read(file))
                .isInstanceOf(UserException.class).hasMessageContaining("scribble.xml")
                .hasMessageContaining("polygon 'S'").hasMessageContaining("cross"));
    }

    @Test
    void aHoleCutFromARegionWithAVertexAtTheEdgeOfDoubleRangeIsNoStackOverflow() throws IOException {
        // the difference of the two collapses to a line, whose "polygonal part" was looked for without end
        Path file = Files.writeString(dir.resolve("far.xml"), "<Annotations><Annotation Id=\"1\" Name=\"Tumor\"><Regions>"
                + aperio(List.of(new double[] {8071.7, 14328.7}, new double[] {Double.MAX_VALUE, 14621.1},
                new double[] {9054.2, 13468.8}), false)
                + aperio(List.of(new double[] {7000, 7000}, new double[] {12000, 7000}, new double[] {12000, 12000},
                new double[] {7000, 12000}), true)
                + "</Regions></Annotation></Annotations>");
        assertThat(Annotations.read(file).tumour().isEmpty()).isTrue();
    }

    @Test
    void exclusionsCutFromATumourWithAVertexAtTheEdgeOfDoubleRangeLeaveAnAreaNotALine() throws IOException {
        Path file = Files.writeString(dir.resolve("far.json"), "{\"positive\": [{\"vertices\": [[8071.7, 14328.7], "
                + "[1.7976931348623157E308, 14621.1], [9054.2, 13468.8]]}], \"negative\": [{\"vertices\": "
                + "[[7000, 7000], [12000, 7000], [12000, 12000], [7000, 12000]]}]}");
        SlideAnnotations annotations = Annotations.read(file);
        assertThat(annotations.tumour()).isInstanceOf(org.locationtech.jts.geom.Polygonal.class);
        assertThat(annotations.lesions()).isEmpty();
    }

    @Test
    void aFirstVertexThatIsNotAFiniteNumberIsAUserErrorOrDroppedByRepair() throws IOException {
        // NaN is not equal to itself, so the closed ring looked open to JTS, which threw IllegalArgumentException
        Path file = Files.writeString(dir.resolve("nan.xml"), "<ASAP_Annotations><Annotations>"
                + asap("N", List.of(new double[] {Double.NaN, 0}, new double[] {0, 0}, new double[] {100, 0},
                new double[] {100, 100}, new double[] {0, 100})) + "</Annotations></ASAP_Annotations>");
        assertThatThrownBy(() -> Annotations.read(file)).isInstanceOf(UserException.class)
                .hasMessageContaining("nan.xml").hasMessageContaining("polygon 'N'").hasMessageContaining("finite");
        SlideAnnotations repaired = AnnotationReader.builder().optRepair(true).build().read(file);
        assertThat(repaired.tumour().getArea()).isEqualTo(10_000);
        assertThat(repaired.repairs()).singleElement().asString().contains("polygon 'N'", "dropped");
    }

    /** A comb of {@code teeth} teeth across a 10,000-pixel square; the vertical one is the horizontal one mirrored. */
    private static List<double[]> comb(int teeth, boolean vertical) {
        List<double[]> points = new ArrayList<>();
        double side = 10_000, w = side / (2 * teeth);
        points.add(new double[] {0, 0});
        for (int i = 0; i < teeth; i++) {
            double x = 2 * i * w;
            points.add(new double[] {x, side});
            points.add(new double[] {x + w, side});
            points.add(new double[] {x + w, w});
            points.add(new double[] {x + 2 * w, w});
        }
        points.add(new double[] {side, 0});
        if (vertical) {
            points.replaceAll(p -> new double[] {p[1], p[0]});
        }
        return points;
    }

    private static String asap(String name, List<double[]> points) {
        StringBuilder s = new StringBuilder("<Annotation Name=\"" + name + "\" Type=\"Polygon\" PartOfGroup=\"Tumor\">"
                + "<Coordinates>");
        for (int i = 0; i < points.size(); i++) {
            s.append("<Coordinate Order=\"").append(i).append("\" X=\"").append(points.get(i)[0]).append("\" Y=\"")
                    .append(points.get(i)[1]).append("\"/>");
        }
        return s.append("</Coordinates></Annotation>").toString();
    }

    private static String aperio(List<double[]> points, boolean negative) {
        StringBuilder s = new StringBuilder("<Region Type=\"0\" NegativeROA=\"" + (negative ? 1 : 0) + "\"><Vertices>");
        for (double[] p : points) {
            s.append("<Vertex X=\"").append(p[0]).append("\" Y=\"").append(p[1]).append("\"/>");
        }
        return s.append("</Vertices></Region>").toString();
    }
}
