package io.histoscale.slide;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.histoscale.slide.SlideTestData.writePyramid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlideCacheTest {

    @TempDir
    Path temp;

    private final List<Slide> opened = new ArrayList<>();

    private SlideCache cache(int capacity) {
        return new SlideCache(capacity, path -> {
            Slide slide = Slides.open(path);
            opened.add(slide);
            return slide;
        });
    }

    private Path pyramid(String name) throws IOException {
        return writePyramid(temp.resolve(name), ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void keepsRecentSlidesOpenAndClosesEvictedOnes() throws IOException {
        Path a = pyramid("a.tiff");
        Path b = pyramid("b.tiff");
        Path c = pyramid("c.tiff");
        try (SlideCache cache = cache(2)) {
            read(cache, a);
            read(cache, b);
            read(cache, a);
            assertThat(opened).hasSize(2);

            read(cache, c); // evicts b, the least recently used
            assertThat(opened).hasSize(3);
            assertThat(cache.size()).isEqualTo(2);
            assertClosed(opened.get(1));
            read(cache, temp.resolve("x/../a.tiff"));
            assertThat(opened).hasSize(3);
        }
        opened.forEach(SlideCacheTest::assertClosed);
    }

    @Test
    void slidesOnLoanCloseOnlyWhenGivenBack() throws IOException {
        Path a = pyramid("a.tiff");
        Path b = pyramid("b.tiff");
        try (SlideCache cache = cache(1)) {
            Slide loan = cache.open(a);
            read(cache, b); // evicts a, which is still on loan
            assertThat(loan.readRegion(0, 0, 0, 8, 8).getWidth()).isEqualTo(8);
            loan.close();
            assertClosed(opened.get(0));
            assertThatThrownBy(() -> loan.readRegion(0, 0, 0, 8, 8)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void closedCacheLendsNothing() throws IOException {
        Path a = pyramid("a.tiff");
        SlideCache cache = cache(1);
        cache.close();
        assertThatThrownBy(() -> cache.open(a)).isInstanceOf(IllegalStateException.class);
    }

    private static void read(SlideCache cache, Path path) {
        try (Slide slide = cache.open(path)) {
            assertThat(slide.readRegion(0, 0, 0, 16, 16).getHeight()).isEqualTo(16);
        }
    }

    private static void assertClosed(Slide slide) {
        assertThatThrownBy(() -> slide.readRegion(0, 0, 0, 1, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
