package io.histoscale.server.tiles;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TileCacheTest {

    private static TileCache.Key key(int i) {
        return new TileCache.Key("slide", 10, i, 0);
    }

    @Test
    void staysWithinItsBoundDroppingTheLeastRecentlyUsed() {
        long entry = 1000 + TileCache.ENTRY_OVERHEAD;
        TileCache cache = new TileCache(10 * entry);
        for (int i = 0; i < 10; i++) cache.put(key(i), new byte[1000]);
        assertThat(cache.size()).isEqualTo(10);
        assertThat(cache.bytes()).isEqualTo(10 * entry);
        assertThat(cache.get(key(0))).isNotNull(); // 0 is now the most recently used
        cache.put(key(10), new byte[1000]);
        assertThat(cache.get(key(1))).as("least recently used").isNull();
        assertThat(cache.get(key(0))).isNotNull();
        assertThat(cache.get(key(10))).isNotNull();
        for (int i = 11; i < 100; i++) {
            cache.put(key(i), new byte[500 + i * 7]);
            assertThat(cache.bytes()).isLessThanOrEqualTo(cache.maxBytes());
        }
        assertThat(cache.stats().evictions()).isPositive();
    }

    @Test
    void replacingATileCountsItOnce() {
        TileCache cache = new TileCache(1 << 20);
        cache.put(key(1), new byte[100]);
        cache.put(key(1), new byte[300]);
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.bytes()).isEqualTo(300 + TileCache.ENTRY_OVERHEAD);
        assertThat(cache.get(key(1))).hasSize(300);
    }

    @Test
    void aTileLargerThanTheWholeCacheIsNotKept() {
        TileCache cache = new TileCache(1000);
        cache.put(key(1), new byte[100]);
        cache.put(key(2), new byte[5000]);
        assertThat(cache.get(key(2))).isNull();
        assertThat(cache.get(key(1))).isNotNull();
        TileCache none = new TileCache(0);
        none.put(key(1), new byte[1]);
        assertThat(none.size()).isZero();
    }

    @Test
    void keysTellSlidesAndPlacesApart() {
        TileCache cache = new TileCache(1 << 20);
        cache.put(new TileCache.Key("a", 1, 2, 3), new byte[]{1});
        assertThat(cache.get(new TileCache.Key("b", 1, 2, 3))).isNull();
        assertThat(cache.get(new TileCache.Key("a", 1, 3, 2))).isNull();
        assertThat(cache.get(new TileCache.Key("a", 1, 2, 3))).containsExactly(1);
        cache.invalidate("a");
        assertThat(cache.size()).isZero();
        assertThat(cache.bytes()).isZero();
    }

    @Test
    void concurrentUseKeepsTheBoundAndTheCount() throws InterruptedException {
        TileCache cache = new TileCache(50_000);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int seed = t;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 5000; i++) {
                    TileCache.Key k = new TileCache.Key("s" + seed % 3, i % 7, i % 101, seed);
                    if (cache.get(k) == null) cache.put(k, new byte[100 + i % 900]);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) t.join();
        assertThat(cache.bytes()).isLessThanOrEqualTo(50_000).isPositive();
        TileCache.Stats stats = cache.stats();
        assertThat(stats.hits() + stats.misses()).isEqualTo(8 * 5000);
        assertThat(stats.bytes()).isEqualTo(cache.bytes());
    }
}
