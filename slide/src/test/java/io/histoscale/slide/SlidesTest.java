package io.histoscale.slide;

import com.twelvemonkeys.imageio.metadata.CompoundDirectory;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import io.histoscale.core.UserException;
import io.histoscale.slide.openslide.OpenSlideSlide;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.histoscale.slide.SlideTestData.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Opening slides: which backend serves them, and one clear error for each kind of bad file. */
class SlidesTest {

    @TempDir
    Path temp;

    @Test
    void opensWithOpenSlideWhenItIsInstalled() {
        try (Slide slide = Slides.open(sharedSlide(CMU_1))) {
            assertThat(slide.backend().name()).isEqualTo(OpenSlideSlide.isAvailable() ? "openslide" : "tiff");
            assertThat(slide.width(0)).isEqualTo(2220);
        }
    }

    @Test
    void bigEndianTiffsThatOpenSlideRejectsGoToTheTiffReader() throws IOException {
        Path file = writePyramid(temp.resolve("big-endian.tiff"), ByteOrder.BIG_ENDIAN);
        try (Slide slide = Slides.open(file)) {
            assertThat(slide.backend()).isEqualTo(new SlideBackend("tiff"));
            assertThat(slide.mppX().getAsDouble()).isEqualTo(0.5);
        }
    }

    @Test
    void forcedBackendIsUsed() {
        Path file = sharedSlide(SMALL_SVS);
        try (Slide slide = Slides.open(file, "tiff")) {
            assertThat(slide.backend()).isEqualTo(new SlideBackend("tiff"));
        }
        assumeOpenSlide();
        try (Slide slide = Slides.open(file, "openslide")) {
            assertThat(slide.backend()).isEqualTo(new SlideBackend("openslide"));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pathsWithSpacesAndAccents(Mode mode) throws IOException {
        mode.assumeUsable();
        Path file = Files.copy(sharedSlide(SMALL_SVS), temp.resolve("Präparat Nr 7 – ß.svs"));
        try (Slide slide = mode.open(file)) {
            assertThat(slide.path()).isEqualTo(file);
            assertThat(slide.width(0)).isEqualTo(16);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void missingFile(Mode mode) {
        Path file = temp.resolve("nowhere.svs");
        mode.assertOpenFails(file).hasMessageContaining("not found");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void directory(Mode mode) {
        mode.assertOpenFails(temp).hasMessageContaining("is a directory");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void emptyFile(Mode mode) throws IOException {
        Path file = Files.createFile(temp.resolve("empty.svs"));
        mode.assertOpenFails(file).hasMessageContaining("empty");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void textFileNamedLikeASlide(Mode mode) throws IOException {
        Path file = Files.writeString(temp.resolve("notes.svs"), "patient 12, left node, see scan tomorrow\n");
        mode.assertOpenFails(file).hasMessageContaining("it is a text file");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pngNamedLikeASlide(Mode mode) throws IOException {
        Path file = temp.resolve("picture.svs");
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
        mode.assertOpenFails(file).hasMessageContaining("it is a PNG image");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void slideCutBeforeItsDirectory(Mode mode) throws IOException {
        // CMU-1's first directory sits at 66% of the file: OpenSlide does not recognise what is left.
        Path file = truncatedCopy(sharedSlide(CMU_1), 0.3);
        mode.assertOpenFails(file).hasMessageContaining("truncated");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void slideCutAfterItsDirectory(Mode mode) throws IOException {
        Path file = truncatedCopy(sharedSlide(CMU_1), 0.9);
        mode.assertOpenOrReadFails(file).hasMessageContaining("truncated");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void corruptTileFailsTheReadNamingTheSlide(Mode mode) throws IOException {
        mode.assumeUsable();
        Path file = temp.resolve("corrupt.svs");
        Files.copy(sharedSlide(CMU_1), file);
        long[] firstTile = firstTile(file);
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] zeros = new byte[(int) firstTile[1]];
            Arrays.fill(zeros, (byte) 0);
            out.seek(firstTile[0]);
            out.write(zeros);
        }
        try (Slide slide = mode.open(file)) {
            assertThat(slide.readRegion(0, 1000, 1000, 64, 64).getWidth()).isEqualTo(64);
            assertThatThrownBy(() -> slide.readRegion(0, 0, 0, 64, 64))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("corrupt");
        }
    }

    @Test
    void missingAssociatedImageIsNamed() {
        try (Slide slide = Slides.open(sharedSlide(SMALL_SVS))) {
            assertThatThrownBy(() -> slide.associatedImage("macro"))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("no associated image 'macro'")
                    .hasMessageContaining("thumbnail");
        }
    }

    @Test
    void badArgumentsAreProgrammingErrors() {
        try (Slide slide = Slides.open(sharedSlide(SMALL_SVS))) {
            assertThatThrownBy(() -> slide.readRegion(1, 0, 0, 4, 4)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> slide.readRegion(0, 0, 0, 0, 4)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private Path truncatedCopy(Path source, double fraction) throws IOException {
        byte[] bytes = Files.readAllBytes(source);
        Path file = temp.resolve("cut-" + fraction + "-" + source.getFileName());
        return Files.write(file, Arrays.copyOf(bytes, (int) (bytes.length * fraction)));
    }

    /** Offset and length of the first tile of the first page. */
    private static long[] firstTile(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            CompoundDirectory ifds = (CompoundDirectory) new TIFFReader().read(in);
            long[] offsets = (long[]) ifds.getDirectory(0).getEntryById(324).getValue();
            long[] counts = (long[]) ifds.getDirectory(0).getEntryById(325).getValue();
            return new long[] {offsets[0], counts[0]};
        }
    }

    /** The three ways to open a slide. */
    enum Mode {
        AUTOMATIC, OPENSLIDE, TIFF;

        Slide open(Path file) {
            return switch (this) {
                case AUTOMATIC -> Slides.open(file);
                case OPENSLIDE -> Slides.open(file, "openslide");
                case TIFF -> Slides.open(file, "tiff");
            };
        }

        /** Skips the test when this mode needs OpenSlide and it is missing. */
        void assumeUsable() {
            if (this == OPENSLIDE) {
                assumeOpenSlide();
            }
        }

        AbstractThrowableAssert<?, ? extends Throwable> assertOpenFails(Path file) {
            assumeUsable();
            return assertThatThrownBy(() -> open(file).close())
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining(file.toString());
        }

        /** Some readers find the damage when opening, others when reading the damaged part. */
        AbstractThrowableAssert<?, ? extends Throwable> assertOpenOrReadFails(Path file) {
            assumeUsable();
            return assertThatThrownBy(() -> {
                try (Slide slide = open(file)) {
                    slide.readRegion(0, 0, 0, (int) slide.width(0), (int) slide.height(0));
                }
            }).isInstanceOf(UserException.class).hasMessageContaining(file.toString());
        }
    }
}
