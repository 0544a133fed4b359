package io.histoscale.dataset.tile;

import io.histoscale.core.UserException;
import io.histoscale.dataset.PatchInfo;
import io.histoscale.dataset.store.Compression;
import io.histoscale.dataset.store.PatchStore;
import io.histoscale.dataset.store.PatchStoreSpec;
import io.histoscale.dataset.store.PatchStoreWriter;
import io.histoscale.slide.Slides;
import io.histoscale.synth.PlantedLesion;
import io.histoscale.synth.SlideTruth;
import io.histoscale.synth.SyntheticSlide;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.geom.Path2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Tiles real generated slides through OpenSlide and checks labels against the generator's ground truth. */
class TilerTest {
    @TempDir
    static Path dir;
    static Path slides, annotations, truths;
    static final int SIZE = 32;
    static final double MPP = 2.0;

    @BeforeAll
    static void cohort() throws IOException {
        slides = Files.createDirectories(dir.resolve("slides"));
        annotations = Files.createDirectories(dir.resolve("annotations"));
        truths = Files.createDirectories(dir.resolve("truth"));
        write("tumour_a", 11, 1.2);
        write("tumour_b", 12, 0.8);
        write("negative", 13, 0);
    }

    private static void write(String name, long seed, double tumourMm) {
        SyntheticSlide.Builder b = SyntheticSlide.builder().optSizeMm(2.5, 2.5).optMpp(0.5).optSeed(seed);
        if (tumourMm > 0) b.addTumour(tumourMm);
        SyntheticSlide s = b.build();
        s.writeTiff(slides.resolve(name + ".tif"));
        s.writeAnnotations(annotations.resolve(name + ".xml"));
        s.writeTruth(truths.resolve(name + ".json"));
    }

    private static PatchStoreWriter newStore(Path store) {
        return PatchStore.create(store, PatchStoreSpec.builder().patchSize(SIZE).labels(Tiler.LABELS)
                .compression(Compression.ZSTD).build());
    }

    private static Tiler tiler() {
        return Tiler.builder().setMpp(MPP).setPatchSize(SIZE).optThreads(2).optAnnotations(annotations).build();
    }

    @Test
    void tumourLabelsMatchTheGeneratorsGroundTruth() {
        Path store = dir.resolve("labels");
        List<Path> all = SlideFiles.expand(List.of(slides));
        TileReport report;
        try (PatchStoreWriter w = newStore(store)) {
            report = tiler().run(all, w, new Tiler.Listener() {
            });
        }
        assertThat(report.failed()).isEmpty();
        assertThat(report.count(TileReport.Status.TILED)).isEqualTo(3);
        try (PatchStore s = PatchStore.open(store)) {
            assertThat(s.size()).isEqualTo(report.patches());
            int decided = 0, agree = 0, tumour = 0;
            double tumourRed = 0, normalRed = 0;
            int normal = 0;
            for (long i = 0; i < s.size(); i++) {
                PatchInfo info = s.info(i);
                SlideTruth truth = SlideTruth.read(truths.resolve(info.slide() + ".json"));
                double side = MPP / truth.mpp() * SIZE;
                double f = truthFraction(truth, info.x(), info.y(), side);
                if (Math.abs(f - 0.5) > 0.1) {
                    decided++;
                    if ((f > 0.5) == (s.label(i) == 1)) agree++;
                }
                assertThat(info.tumourFraction()).isCloseTo((float) f, org.assertj.core.data.Offset.offset(0.08f));
                double red = meanRed(s.read(i));
                if (s.label(i) == 1) {
                    tumour++;
                    tumourRed += red;
                } else {
                    normal++;
                    normalRed += red;
                }
            }
            assertThat(decided).isGreaterThan(100);
            assertThat(agree).isEqualTo(decided);
            assertThat(tumour).isGreaterThan(20);
            // Tumour nuclei are crowded and dark: the red channel of tumour patches is clearly lower.
            assertThat(tumourRed / tumour).isLessThan(normalRed / normal - 10);
            assertThat(s.slides()).extracting(e -> e.name()).containsExactlyInAnyOrder("tumour_a", "tumour_b", "negative");
            assertThat(s.slides().get(0).mpp()).isEqualTo(0.5);
        }
        assertThat(store.resolve("thumbnails")).doesNotExist();
    }

    /** Area share of a level-0 box inside the truth polygons, by 24x24 point sampling (independent of JTS). */
    private static double truthFraction(SlideTruth truth, long x, long y, double side) {
        List<Path2D> shapes = truth.lesions().stream().map(TilerTest::shape).toList();
        int n = 24, in = 0;
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                double px = x + (i + 0.5) * side / n, py = y + (j + 0.5) * side / n;
                if (shapes.stream().anyMatch(s -> s.contains(px, py))) in++;
            }
        }
        return in / (double) (n * n);
    }

    private static Path2D shape(PlantedLesion lesion) {
        Path2D.Double p = new Path2D.Double();
        double[][] v = lesion.polygon();
        p.moveTo(v[0][0], v[0][1]);
        for (int i = 1; i < v.length; i++) p.lineTo(v[i][0], v[i][1]);
        p.closePath();
        return p;
    }

    private static double meanRed(byte[] rgb) {
        long sum = 0;
        for (int i = 0; i < rgb.length; i += 3) sum += rgb[i] & 0xff;
        return sum / (rgb.length / 3.0);
    }

    @Test
    void rerunSkipsFinishedSlidesAndBadSlidesAreReportedWhileOthersAreKept() throws IOException {
        Path store = dir.resolve("resume");
        Path bad = Files.writeString(dir.resolve("broken.svs"), "not a slide at all");
        Path truncated = dir.resolve("truncated.tif");
        byte[] whole = Files.readAllBytes(slides.resolve("tumour_b.tif"));
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 3));
        TileReport first;
        try (PatchStoreWriter w = newStore(store)) {
            first = tiler().run(List.of(slides.resolve("tumour_a.tif"), bad, truncated), w, new Tiler.Listener() {
            });
        }
        assertThat(first.failed()).extracting(TileReport.SlideResult::name).containsExactly("broken", "truncated");
        assertThat(first.failed().get(0).message()).contains("broken.svs");
        assertThat(first.failed().get(1).message()).contains("truncated.tif");
        // The annotation files of slides not given are reported, not used.
        assertThat(first.warnings()).anyMatch(w -> w.contains("negative.xml"));
        long kept;
        try (PatchStore s = PatchStore.open(store)) {
            kept = s.size();
            assertThat(kept).isEqualTo(first.patches()).isPositive();
            s.verify();
        }
        TileReport second;
        try (PatchStoreWriter w = PatchStore.append(store)) {
            second = tiler().run(List.of(slides.resolve("tumour_a.tif"), slides.resolve("negative.tif")), w,
                    new Tiler.Listener() {
                    });
        }
        assertThat(second.slides()).extracting(TileReport.SlideResult::status)
                .containsExactly(TileReport.Status.SKIPPED_DONE, TileReport.Status.TILED);
        assertThat(second.slides().get(1).patchesPerLabel()).containsOnlyKeys("normal");
        try (PatchStore s = PatchStore.open(store)) {
            assertThat(s.size()).isEqualTo(kept + second.patches());
        }
    }

    @Test
    void anMppFinerThanTheSlideIsReportedForThatSlide() {
        Path store = dir.resolve("fine");
        TileReport r;
        try (PatchStoreWriter w = newStore(store)) {
            r = Tiler.builder().setMpp(0.1).setPatchSize(SIZE).optAnnotations(annotations).build()
                    .run(List.of(slides.resolve("negative.tif")), w, new Tiler.Listener() {
                    });
        }
        assertThat(r.failed()).singleElement().satisfies(f -> assertThat(f.message()).contains("0.1").contains("0.5"));
    }

    /** ASAP XML with one square "Tumor" polygon per {x, y, side} in level-0 pixels. */
    private static String asap(double[]... squares) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<ASAP_Annotations><Annotations>\n");
        for (int a = 0; a < squares.length; a++) {
            double x = squares[a][0], y = squares[a][1], side = squares[a][2];
            xml.append("<Annotation Name=\"Annotation ").append(a)
                    .append("\" Type=\"Polygon\" PartOfGroup=\"Tumor\"><Coordinates>\n");
            double[][] corners = {{x, y}, {x + side, y}, {x + side, y + side}, {x, y + side}};
            for (int i = 0; i < 4; i++) {
                xml.append("<Coordinate Order=\"").append(i).append("\" X=\"").append(corners[i][0])
                        .append("\" Y=\"").append(corners[i][1]).append("\"/>\n");
            }
            xml.append("</Coordinates></Annotation>\n");
        }
        return xml.append("</Annotations></ASAP_Annotations>\n").toString();
    }

    @Test
    void annotationsOutsideTheirSlideAreReportedAndAllOutsideFailsTheSlide() throws IOException {
        // the slides are 5000 x 5000 pixels; 20000 is past their edge (as annotations in another level's pixels are)
        Path outside = Files.createDirectories(dir.resolve("outside-annotations"));
        Files.writeString(outside.resolve("tumour_a.xml"), asap(new double[]{1000, 1000, 800},
                new double[]{20000, 20000, 800}));
        Files.writeString(outside.resolve("tumour_b.xml"), asap(new double[]{20000, 1000, 800},
                new double[]{1000, 30000, 800}));
        TileReport r;
        try (PatchStoreWriter w = newStore(dir.resolve("outside"))) {
            r = Tiler.builder().setMpp(MPP).setPatchSize(SIZE).optThreads(2).optAnnotations(outside).build()
                    .run(List.of(slides.resolve("tumour_a.tif"), slides.resolve("tumour_b.tif")), w,
                            new Tiler.Listener() {
                            });
        }
        TileReport.SlideResult a = r.slides().get(0), b = r.slides().get(1);
        // one region of two outside: tiled with the other, and reported with the file and the region
        assertThat(a.status()).isEqualTo(TileReport.Status.TILED);
        assertThat(a.message()).contains("tumour_a.xml").contains("Annotation 1").contains("outside");
        assertThat(a.patchesPerLabel().get("tumour")).isPositive();
        // every tumour region outside: its patches would all be labelled normal, so the slide fails
        assertThat(b.status()).isEqualTo(TileReport.Status.FAILED);
        assertThat(b.message()).contains("tumour_b.xml").contains("outside").contains("5000");
    }

    @Test
    void thumbnailsAreDrawnAndStoreClassesMustMatch() {
        Path store = dir.resolve("thumbs");
        try (PatchStoreWriter w = newStore(store)) {
            Tiler.builder().setMpp(MPP).setPatchSize(SIZE).optAnnotations(annotations)
                    .optThumbnails(store.resolve("thumbnails")).build()
                    .run(List.of(slides.resolve("tumour_a.tif")), w, new Tiler.Listener() {
                    });
        }
        assertThat(store.resolve("thumbnails/tumour_a.png")).isNotEmptyFile();
        try (PatchStoreWriter w = PatchStore.append(store)) {
            Tiler unlabelled = Tiler.builder().setMpp(MPP).setPatchSize(SIZE).build();
            assertThatThrownBy(() -> unlabelled.run(List.of(slides.resolve("negative.tif")), w, new Tiler.Listener() {
            })).isInstanceOf(UserException.class).hasMessageContaining("unlabelled").hasMessageContaining("give the annotations folder");
        }
    }

    @Test
    void aSlideWithoutResolutionIsTiledOnceOneIsAssumed() throws IOException {
        // A generic TIFF whose 72 dpi is an image editor's placeholder: it records no resolution.
        Path boxes = Path.of(System.getProperty("histoscale.shared.data", "../shared/data"), "slides",
                "openslide-python-boxes.tiff");
        assumeTrue(Files.isRegularFile(boxes), "shared data absent: " + boxes);
        Path store = dir.resolve("assumed");
        Files.createDirectories(store);
        try (PatchStoreWriter w = PatchStore.create(store.resolve("plain"), PatchStoreSpec.builder().patchSize(SIZE)
                .labels(List.of()).compression(Compression.ZSTD).build())) {
            TileReport r = Tiler.builder().setMpp(0.5).setPatchSize(SIZE).optMinTissue(0).build()
                    .run(List.of(boxes), w, new Tiler.Listener() {
                    });
            assertThat(r.failed()).singleElement()
                    .satisfies(f -> assertThat(f.message()).startsWith("assume_mpp ").contains(boxes.toString()));
        }
        try (PatchStoreWriter w = PatchStore.create(store.resolve("assumed"), PatchStoreSpec.builder().patchSize(SIZE)
                .labels(List.of()).compression(Compression.ZSTD).build())) {
            TileReport r = Tiler.builder().setMpp(0.5).setPatchSize(SIZE).optMinTissue(0)
                    .optOpener(p -> Slides.withAssumedMpp(Slides.open(p), 0.25)).build()
                    .run(List.of(boxes), w, new Tiler.Listener() {
                    });
            assertThat(r.failed()).isEmpty();
            assertThat(r.patches()).isPositive();
        }
        try (PatchStore s = PatchStore.open(store.resolve("assumed"))) {
            assertThat(s.slides()).singleElement().satisfies(e -> assertThat(e.mpp()).isEqualTo(0.25));
            // 32-pixel patches at 0.5 µm/px span 64 pixels of a 0.25 µm/px level 0, 300 x 250 here.
            assertThat(LongStream.range(0, s.size()).map(i -> s.info(i).x()).distinct().sorted())
                    .containsExactly(0L, 64L, 128L, 192L);
        }
    }

    @Test
    void patientIdsComeFromCamelyonNames() {
        Tiler t = tiler();
        assertThat(t.patientOf("patient_004_node_3")).isEqualTo("patient_004");
        assertThat(t.patientOf("tumor_001")).isEqualTo("tumor_001");
    }

    @Test
    void missingPathsAndEmptyFoldersAreUserErrors() throws IOException {
        assertThatThrownBy(() -> SlideFiles.expand(List.of(dir.resolve("nope.svs"))))
                .isInstanceOf(UserException.class).hasMessageContaining("nope.svs");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> SlideFiles.expand(List.of(empty)))
                .isInstanceOf(UserException.class).hasMessageContaining("no slide files");
        assertThatThrownBy(() -> Tiler.builder().optAnnotations(dir.resolve("no-such-dir")).build())
                .isInstanceOf(UserException.class).hasMessageContaining("annotation folder");
    }
}
