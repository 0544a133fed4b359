package io.histoscale.slide;

import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;

import static io.histoscale.slide.SlideTestData.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Slides#withAssumedMpp}: an assumed resolution fills the gap of a file that records none, and only that. */
class AssumedMppTest {

    @Test
    void fillsInTheResolutionOfASlideThatRecordsNone() {
        // The boxes TIFF records 72 dpi, an image editor's placeholder, which counts as no resolution.
        try (Slide file = Slides.open(sharedSlide(BOXES)); Slide slide = Slides.withAssumedMpp(file, 0.25)) {
            assertThat(file.mpp()).isEmpty();
            assertThat(slide.mppX()).hasValue(0.25);
            assertThat(slide.mppY()).hasValue(0.25);
            assertThat(slide.mpp()).hasValue(0.25);
            assertThat(slide.properties()).isEqualTo(file.properties()).doesNotContainKey("openslide.mpp-x");
            assertThat(slide.backend()).isEqualTo(file.backend());
            assertThat(slide.levelCount()).isEqualTo(4);
            assertThat(slide.downsample(2)).isEqualTo(file.downsample(2));
            assertSameRgb(slide.readRegion(1, 64, 128, 50, 40), file.readRegion(1, 64, 128, 50, 40), "region");
        }
    }

    @Test
    void aRecordedResolutionWins() {
        try (Slide slide = Slides.withAssumedMpp(Slides.open(sharedSlide(CMU_1)), 0.25)) {
            assertThat(slide.mppX()).hasValue(0.499);
            assertThat(slide.mppY()).hasValue(0.499);
        }
    }

    @Test
    void closingTheWrapperClosesTheSlide() {
        Slide file = Slides.open(sharedSlide(SMALL_SVS));
        Slides.withAssumedMpp(file, 0.5).close();
        assertThatThrownBy(() -> file.readRegion(0, 0, 0, 4, 4)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aBadAssumptionIsTheUsersToFixAndClosesTheSlide() {
        Slide file = Slides.open(sharedSlide(SMALL_SVS));
        assertThatThrownBy(() -> Slides.withAssumedMpp(file, -0.5))
                .isInstanceOf(UserException.class)
                .hasMessageStartingWith("assume_mpp -0.5: give a positive number")
                .extracting(e -> ((UserException) e).key().orElseThrow()).isEqualTo("assume_mpp");
        assertThatThrownBy(() -> file.readRegion(0, 0, 0, 4, 4)).isInstanceOf(IllegalStateException.class);
    }
}
