package io.histoscale.bench.parallel;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AlphaBetaTest {

    @Test
    void theFitRecoversLatencyAndBandwidth() {
        AlphaBeta truth = new AlphaBeta(4e-6, 1 / 2e9);
        List<AlphaBeta.Sample> samples = new ArrayList<>();
        for (double bytes = 4096; bytes < 5e7; bytes *= 4) {
            samples.add(new AlphaBeta.Sample(bytes, 2, truth.seconds(bytes, 2) * (1 + 0.01 * Math.sin(bytes))));
        }
        AlphaBeta fit = AlphaBeta.fit(samples);
        assertThat(fit.alpha()).isCloseTo(4e-6, within(0.3e-6));
        assertThat(fit.gigabytesPerSecond()).isCloseTo(2, within(0.05));
    }

    @Test
    void ringAllreduceCostsFollowTheModel() {
        AlphaBeta ib = new AlphaBeta(5e-6, 8 / 200e9);
        double bytes = 25_557_032 * 4.0;
        // 512 ranks, one bucket: 2·511·5 µs + 2·511/512·102 MB / 25 GB/s
        assertThat(ib.seconds(bytes, 512)).isCloseTo(2 * 511 * 5e-6 + 2 * 511 / 512.0 * bytes / 25e9,
                within(1e-9));
        assertThat(ib.seconds(bytes, 1)).isZero();
        // buckets pay the latency each
        assertThat(ib.seconds(bytes, 512, 25 << 20) - ib.seconds(bytes, 512)).isCloseTo(3 * 2 * 511 * 5e-6,
                within(1e-9));
    }

    @Test
    void theProjectionLosesEfficiencyAsGpusGrowAndTrainsFaster() {
        Projection p = Projection.of(Projection.Inputs.defaults().withFittedAlpha(5e-6));
        List<Projection.Point> points = p.points();
        assertThat(points).extracting(Projection.Point::gpus).containsExactly(8, 16, 32, 64, 128, 256, 512, 1024);
        for (int i = 1; i < points.size(); i++) {
            assertThat(points.get(i).efficiency()).isLessThan(points.get(i - 1).efficiency());
            assertThat(points.get(i).hours()).isLessThan(points.get(i - 1).hours());
        }
        Projection.Point at512 = points.get(6);
        double allreduce = new AlphaBeta(5e-6, 8 / 200e9).seconds(25_557_032 * 4.0, 512, 25 << 20);
        assertThat(at512.efficiency()).isCloseTo(0.085 / (0.085 + allreduce), within(1e-12));
    }
}
