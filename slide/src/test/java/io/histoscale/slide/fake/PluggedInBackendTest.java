package io.histoscale.slide.fake;

import io.histoscale.core.UserException;
import io.histoscale.slide.Slide;
import io.histoscale.slide.Slides;
import io.histoscale.slide.UnsupportedSlideException;
import io.histoscale.slide.openslide.OpenSlideSlide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.histoscale.slide.SlideTestData.SMALL_SVS;
import static io.histoscale.slide.SlideTestData.sharedSlide;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A backend registered from the test sources only is found, chosen, forced and named like the shipped ones. */
class PluggedInBackendTest {

    private static final int PINK = 0xD68CBE;

    @TempDir
    Path temp;

    @Test
    void discoveredAndChosenWithoutAnyChangeToMainCode() throws IOException {
        Path file = FakeSlideProvider.write(temp.resolve("case 7.fakeslide"), 1200, 900, PINK, 0.5);
        assertThat(Slides.providers()).extracting(p -> p.backend().name()).containsExactly("fake", "openslide", "tiff");
        try (Slide slide = Slides.open(file)) {
            assertThat(slide.backend()).isEqualTo(FakeSlideProvider.BACKEND);
            assertThat(slide.path()).isEqualTo(file);
            assertThat(slide.width(0)).isEqualTo(1200);
            assertThat(slide.height(1)).isEqualTo(225);
            assertThat(slide.mppX()).hasValue(0.5);
            BufferedImage region = slide.readRegion(1, 1180, 0, 10, 2); // straddles the right edge of level 1
            assertThat(region.getRGB(0, 0) & 0xFFFFFF).isEqualTo(PINK);
            assertThat(region.getRGB(9, 1) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        }
    }

    @Test
    void aNameForcesTheBackend() throws IOException {
        Path file = FakeSlideProvider.write(temp.resolve("a.fakeslide"), 64, 64, PINK, Double.NaN);
        try (Slide slide = Slides.open(file, "fake")) {
            assertThat(slide.backend().name()).isEqualTo("fake");
            assertThat(slide.mppX()).isEmpty();
        }
        assertThatThrownBy(() -> Slides.open(file, "tiff"))
                .isInstanceOf(UnsupportedSlideException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("it is a text file")
                .hasMessageContaining("Backend fake recognises the file: open it with that backend.");
    }

    @Test
    void otherSlidesAreLeftToTheShippedReaders() {
        Path svs = sharedSlide(SMALL_SVS);
        try (Slide slide = Slides.open(svs)) {
            assertThat(slide.backend().name()).isEqualTo(OpenSlideSlide.isAvailable() ? "openslide" : "tiff");
        }
        assertThatThrownBy(() -> Slides.open(svs, "fake"))
                .isInstanceOf(UnsupportedSlideException.class)
                .hasMessageContaining("is not a fake slide")
                .hasMessageContaining("Backend tiff may read the file");
    }

    @Test
    void aBrokenFileOfItsFormatIsNotHandedToAnotherReader() throws IOException {
        Path file = Files.writeString(temp.resolve("broken.fakeslide"), "fakeslide\nwidth lots\n");
        assertThatThrownBy(() -> Slides.open(file))
                .isInstanceOf(UserException.class)
                .isNotInstanceOf(UnsupportedSlideException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("corrupt");
    }

    @Test
    void anUnknownBackendNameListsTheKnownOnes() throws IOException {
        Path file = FakeSlideProvider.write(temp.resolve("b.fakeslide"), 64, 64, PINK, 0.25);
        assertThatThrownBy(() -> Slides.open(file, "bioformats"))
                .isInstanceOf(UserException.class)
                .hasMessageStartingWith("Unknown slide backend 'bioformats': the backends are fake, openslide")
                .hasMessageContaining(", tiff.");
    }
}
