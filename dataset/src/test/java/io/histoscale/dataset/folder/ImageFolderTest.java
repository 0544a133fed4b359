package io.histoscale.dataset.folder;

import io.histoscale.core.UserException;
import io.histoscale.dataset.PatchInfo;
import io.histoscale.dataset.SlideEntry;
import io.histoscale.dataset.store.Compression;
import io.histoscale.dataset.store.PatchStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ImageFolderTest {
    @TempDir
    Path temp;

    static Path didsr() {
        Path dir = Path.of(System.getProperty("histoscale.shared.data", "../shared/data"), "camelyon16-patches-didsr");
        assumeTrue(Files.isDirectory(dir), "shared data absent: " + dir);
        return dir;
    }

    @Test
    void readsTheCamelyon16PatchesWithTheirSlides() throws IOException {
        ImageFolder folder = ImageFolder.open(didsr(), 256);
        assertThat(folder.size()).isEqualTo(57);
        assertThat(folder.labelNames()).containsExactly("normal", "tumor");
        assertThat(LongStream.range(0, 57).filter(i -> folder.label(i) == 1).count()).isEqualTo(28);
        assertThat(LongStream.range(0, 57).filter(i -> folder.label(i) == 0).count()).isEqualTo(29);
        assertThat(folder.slides()).extracting(SlideEntry::name).containsExactly("tumor_001", "tumor_004", "tumor_064");

        long i = LongStream.range(0, 57)
                .filter(k -> folder.file(k).getFileName().toString().equals("tumor_004_37276_186047.png")).findFirst().orElseThrow();
        assertThat(folder.info(i)).isEqualTo(new PatchInfo("tumor_004", "tumor_004", SlideEntry.UNKNOWN_CENTRE, -1, 37276,
                186047, Double.NaN, 0, Float.NaN));

        // RGBA with opaque alpha becomes exactly its RGB.
        BufferedImage original = ImageIO.read(folder.file(i).toFile());
        assertThat(original.getColorModel().hasAlpha()).isTrue();
        byte[] pixels = folder.read(i);
        assertThat(pixels).hasSize(256 * 256 * 3);
        for (int y = 0; y < 256; y += 17) {
            for (int x = 0; x < 256; x += 13) assertThat(rgbAt(pixels, 256, x, y)).isEqualTo(original.getRGB(x, y) & 0xffffff);
        }
    }

    @Test
    void largerImagesAreCentreCroppedAtTheirOwnScale() throws IOException {
        ImageFolder full = ImageFolder.open(didsr(), 256);
        ImageFolder cropped = ImageFolder.open(didsr(), 224);
        byte[] big = full.read(5), small = cropped.read(5);
        for (int y = 0; y < 224; y++) {
            for (int x = 0; x < 224; x++) assertThat(rgbAt(small, 224, x, y)).isEqualTo(rgbAt(big, 256, x + 16, y + 16));
        }
    }

    @Test
    void importsIntoAStoreUnchanged() {
        ImageFolder folder = ImageFolder.open(didsr(), 224);
        try (PatchStore store = PatchStore.importFrom(folder, temp.resolve("store"), Compression.ZSTD)) {
            assertThat(store.size()).isEqualTo(57);
            assertThat(store.labelNames()).isEqualTo(folder.labelNames());
            assertThat(store.slides()).isEqualTo(folder.slides());
            byte[][] fromFolder = LongStream.range(0, 57).mapToObj(folder::read).toArray(byte[][]::new);
            for (long i = 0; i < 57; i++) {
                PatchInfo info = store.info(i);
                long source = LongStream.range(0, 57).filter(k -> folder.info(k).equals(info)).findFirst().orElseThrow();
                assertThat(store.read(i)).isEqualTo(fromFolder[(int) source]);
            }
            store.verify();
        }
    }

    @Test
    void smallerImagesAreScaledUpAndTransparencyTurnsWhite() throws IOException {
        BufferedImage small = new BufferedImage(20, 10, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 10; y++) for (int x = 0; x < 20; x++) small.setRGB(x, y, x < 10 ? 0xff_c0_40_80 : 0x00_00_00_00);
        Files.createDirectories(temp.resolve("a"));
        ImageIO.write(small, "png", temp.resolve("a/slideX_3_4.png").toFile());
        Files.createDirectories(temp.resolve("b"));
        ImageIO.write(new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB), "jpg", temp.resolve("b/other.jpg").toFile());
        Files.writeString(temp.resolve("b/notes.txt"), "not an image");

        ImageFolder folder = ImageFolder.open(temp, 30);
        assertThat(folder.labelNames()).containsExactly("a", "b");
        assertThat(folder.slides()).extracting(SlideEntry::name).containsExactly("other", "slideX");
        assertThat(folder.info(0).x()).isEqualTo(3);
        assertThat(folder.info(1).x()).isEqualTo(-1);
        byte[] pixels = folder.read(0);
        // 20x10 scaled by 3 to 60x30, centre 30 columns: left half coloured, right half white (was transparent).
        assertThat(rgbAt(pixels, 30, 2, 15)).isEqualTo(0xc04080);
        assertThat(rgbAt(pixels, 30, 27, 15)).isEqualTo(0xffffff);
        assertThat(folder.read(1)).containsOnly((byte) 0);
    }

    @Test
    void labelsTableGivesSlidePatientAndCentre() throws IOException {
        Files.createDirectories(temp.resolve("x"));
        for (String name : new String[]{"p1.png", "p2.png", "p3.png"}) {
            ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", temp.resolve("x/" + name).toFile());
        }
        Files.writeString(temp.resolve("labels.csv"), """
                file,label,source_slide,patient,centre,x_level0,y_level0
                x/p1.png,x,"s,1.svs",pat-A,2,10,20
                x/p2.png,x,s2.tif,pat-A,2,,
                """);
        ImageFolder folder = ImageFolder.open(temp, 8);
        assertThat(folder.slides()).containsExactly(new SlideEntry("p3", null, null, Double.NaN),
                new SlideEntry("s,1", "pat-A", "2", Double.NaN), new SlideEntry("s2", "pat-A", "2", Double.NaN));
        assertThat(folder.info(0).x()).isEqualTo(10);
        assertThat(folder.info(1).y()).isEqualTo(-1);
    }

    @Test
    void labelsTableIsReadAsCsvWithByteOrderMarkAndLineBreaksInQuotes() throws IOException {
        Files.createDirectories(temp.resolve("x"));
        for (String name : new String[]{"p1.png", "p2.png"}) {
            ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", temp.resolve("x/" + name).toFile());
        }
        // as Excel saves "CSV UTF-8": a byte-order mark, quoted header, CRLF, a cell with a line break in it
        Files.writeString(temp.resolve("labels.csv"), "\uFEFF\"file\",\"source_slide\",\"centre\"\r\n"
                + "\"x/p1.png\",\"s1.svs\",\"Radboud\r\nNijmegen\"\r\n"
                + "\"x/p2.png\",\"s \"\"2\"\".svs\",Utrecht\r\n");
        ImageFolder folder = ImageFolder.open(temp, 8);
        assertThat(folder.info(0).slide()).isEqualTo("s1");
        assertThat(folder.info(0).centre()).isEqualTo("Radboud\r\nNijmegen");
        assertThat(folder.info(1).slide()).isEqualTo("s \"2\"");
        assertThat(folder.info(1).centre()).isEqualTo("Utrecht");
        Files.writeString(temp.resolve("labels.csv"), "file,centre\nx/p1.png,\"Radboud\n");
        assertThatThrownBy(() -> ImageFolder.open(temp, 8)).isInstanceOf(UserException.class)
                .hasMessageContaining("labels.csv").hasMessageContaining("line 2").hasMessageContaining("quote");
    }

    @Test
    void badFoldersAndImagesAreNamed() throws IOException {
        assertThatThrownBy(() -> ImageFolder.open(temp.resolve("absent"), 8))
                .isInstanceOf(UserException.class).hasMessageContaining("absent");
        assertThatThrownBy(() -> ImageFolder.open(temp, 8))
                .isInstanceOf(UserException.class).hasMessageContaining("no sub-folders");
        Files.createDirectories(temp.resolve("empty"));
        assertThatThrownBy(() -> ImageFolder.open(temp, 8))
                .isInstanceOf(UserException.class).hasMessageContaining("empty").hasMessageContaining("no PNG");
        Files.writeString(temp.resolve("empty/broken.png"), "not a png");
        ImageFolder folder = ImageFolder.open(temp, 8);
        assertThatThrownBy(() -> folder.read(0)).isInstanceOf(UserException.class).hasMessageContaining("broken.png");
    }

    private static int rgbAt(byte[] hwc, int width, int x, int y) {
        int p = 3 * (y * width + x);
        return ((hwc[p] & 0xff) << 16) | ((hwc[p + 1] & 0xff) << 8) | (hwc[p + 2] & 0xff);
    }

    @Test
    void theFirstImageGivesTheSideAndATruncatedOneIsNamed() throws IOException {
        for (String label : new String[]{"b_tumour", "a_normal"}) {
            Files.createDirectories(temp.resolve(label));
            ImageIO.write(new BufferedImage(label.startsWith("a") ? 40 : 64, 48, BufferedImage.TYPE_3BYTE_BGR), "png",
                    temp.resolve(label).resolve("s_0_0.png").toFile());
        }
        Files.writeString(temp.resolve("notes.txt"), "not an image");
        assertThat(ImageFolder.firstImageSide(temp)).hasValue(40);
        assertThat(ImageFolder.firstImageSide(temp.resolve("missing"))).isEmpty();

        Path first = temp.resolve("a_normal").resolve("s_0_0.png");
        byte[] png = Files.readAllBytes(first);
        Files.write(first, java.util.Arrays.copyOf(png, png.length / 2));
        assertThatThrownBy(() -> ImageFolder.firstImageSide(temp)).isInstanceOf(UserException.class)
                .hasMessageContaining(first.toString()).hasMessageContaining("Replace or remove the file");
    }
}
