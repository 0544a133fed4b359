package io.histoscale.server.tiles;

import io.histoscale.core.UserException;
import io.histoscale.slide.Slide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TileServiceTest {

    @TempDir
    Path dir;

    /** Opens in-memory gradient slides, one per path, and remembers them. */
    static final class Opener implements Function<Path, Slide> {
        final Map<Path, TestSlides.Gradient> opened = new ConcurrentHashMap<>();
        final AtomicInteger opens = new AtomicInteger();

        @Override
        public Slide apply(Path path) {
            opens.incrementAndGet();
            TestSlides.Gradient g = new TestSlides.Gradient(1200, 900, 2, 4);
            opened.put(path, g);
            return g;
        }
    }

    @Test
    void servesDziAndTilesOfARealSlideFromTheCache() {
        Path slide = TestSlides.synthetic(dir);
        try (TileService tiles = new TileService()) {
            assertThat(tiles.dzi(slide)).contains("Width=\"3000\"", "Height=\"2000\"", "Format=\"jpeg\"");
            byte[] first = tiles.tile(slide, 12, 3, 2);
            assertThat(first).startsWith(0xFF, 0xD8);
            assertThat(tiles.tile(slide, 12, 3, 2)).isSameAs(first);
            assertThat(tiles.cache().stats().hits()).isEqualTo(1);
            assertThat(tiles.openSlides()).isEqualTo(1);
            assertThatThrownBy(() -> tiles.tile(slide, 12, 12, 0)).isInstanceOf(TileNotFoundException.class);
        }
    }

    @Test
    void aSlideThatDoesNotOpenIsAUserErrorNamingTheFile() throws Exception {
        Path missing = dir.resolve("missing.svs");
        Path notASlide = Files.writeString(dir.resolve("notes.svs"), "not a slide at all");
        try (TileService tiles = new TileService()) {
            assertThatThrownBy(() -> tiles.dzi(missing)).isInstanceOf(UserException.class)
                    .hasMessageContaining(missing.toString());
            assertThatThrownBy(() -> tiles.tile(notASlide, 0, 0, 0)).isInstanceOf(UserException.class)
                    .hasMessageContaining(notASlide.toString());
            assertThat(tiles.openSlides()).isZero();
        }
        Function<Path, Slide> broken = p -> {
            throw new IllegalStateException("boom");
        };
        try (TileService tiles = new TileService(2, new TileCache(), broken)) {
            assertThatThrownBy(() -> tiles.dzi(missing)).isInstanceOf(UserException.class)
                    .hasMessageContaining(missing.toString()).hasMessageContaining("boom");
        }
    }

    @Test
    void keepsABoundedNumberOfSlidesOpenAndClosesThemAll() {
        Opener opener = new Opener();
        TileService tiles = new TileService(2, new TileCache(), opener);
        Path a = dir.resolve("a.svs"), b = dir.resolve("b.svs"), c = dir.resolve("c.svs");
        tiles.tile(a, 5, 0, 0);
        tiles.tile(b, 5, 0, 0);
        tiles.dzi(a); // a is now the most recently used
        tiles.tile(c, 5, 0, 0);
        assertThat(tiles.openSlides()).isEqualTo(2);
        assertThat(opener.opened.get(b).closed).as("least recently used").isTrue();
        assertThat(opener.opened.get(a).closed).isFalse();
        tiles.dzi(b); // reopened
        assertThat(opener.opens.get()).isEqualTo(4);
        tiles.close();
        assertThat(opener.opened.values()).allMatch(g -> g.closed);
        assertThatThrownBy(() -> tiles.dzi(a)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSlideIsOpenedOnceAndNotClosedUnderAReader() throws Exception {
        Opener opener = new Opener();
        try (TileService tiles = new TileService(1, new TileCache(0), opener)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<byte[]>> got = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    int col = i % 5;
                    Path p = dir.resolve(i % 2 == 0 ? "x.svs" : "y.svs");
                    got.add(pool.submit(() -> {
                        go.await();
                        return tiles.tile(p, 11, col, 0);
                    }));
                }
                go.countDown();
                for (Future<byte[]> f : got) assertThat(f.get()).isNotEmpty(); // none read from a closed slide
            } finally {
                pool.shutdownNow();
            }
            assertThat(tiles.openSlides()).isEqualTo(1);
        }
        assertThat(opener.opened.values()).allMatch(g -> g.closed);
    }

    @Test
    void concurrentFirstRequestsOpenTheSlideOnce() throws Exception {
        Opener opener = new Opener();
        try (TileService tiles = new TileService(4, new TileCache(), opener)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> got = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    got.add(pool.submit(() -> {
                        go.await();
                        return tiles.dzi(dir.resolve("same.svs"));
                    }));
                }
                go.countDown();
                for (Future<String> f : got) assertThat(f.get()).contains("Width=\"1200\"");
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(opener.opens.get()).isEqualTo(1);
    }
}
