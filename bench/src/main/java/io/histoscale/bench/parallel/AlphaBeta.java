package io.histoscale.bench.parallel;

import java.util.List;

/**
 * The α-β (latency-bandwidth) model of ring allreduce: reducing {@code n} bytes over {@code p} ranks takes
 * {@code 2(p−1)} message steps, each paying the latency α, and moves {@code 2(p−1)/p · n} bytes through each rank's
 * link at β seconds per byte: {@code T(n, p) = 2(p−1)·α + 2(p−1)/p · n · β} (Thakur, Rabenseifner and Gropp 2005;
 * Patarasuk and Yuan 2009). A buffer reduced in {@code k} buckets pays the latency term {@code k} times.
 *
 * @param alpha seconds of latency per message step
 * @param beta  seconds per byte through one rank's link (1 / bandwidth)
 */
public record AlphaBeta(double alpha, double beta) {

    /** Messages from this size on show the bandwidth (1 MiB). */
    public static final double LARGE = 1 << 20;
    /** Messages up to this size show the latency (64 KiB). */
    public static final double SMALL = 1 << 16;

    /** A measured allreduce: bytes, ranks, seconds. */
    public record Sample(double bytes, int ranks, double seconds) {
    }

    /**
     * Fit of α and β to measured allreduce times (all with the same number of ranks, at least 2), as Hockney's method
     * does: β from the large messages (at least {@value #LARGE} bytes, least squares), where bandwidth dominates, and
     * α from the small ones (at most {@value #SMALL} bytes: median of what is left after the bandwidth term), where
     * latency does. One β cannot describe both cache-resident and memory-bound transfers; the large ones are those
     * of gradients. Without both kinds of samples, least squares of the relative error over all of them.
     */
    public static AlphaBeta fit(List<Sample> samples) {
        int p = samples.get(0).ranks();
        for (Sample s : samples) {
            if (s.ranks() != p || p < 2) {
                throw new IllegalArgumentException("samples must share one rank count of at least 2");
            }
        }
        List<Sample> large = samples.stream().filter(s -> s.bytes() >= LARGE).toList();
        List<Sample> small = samples.stream().filter(s -> s.bytes() <= SMALL).toList();
        if (large.size() < 2 || small.isEmpty()) {
            return leastSquares(samples, true);
        }
        double beta = leastSquares(large, false).beta();
        double[] alphas = small.stream().mapToDouble(s -> (s.seconds() - bandwidthTerm(s) * beta) / (2.0 * (p - 1)))
                .sorted().toArray();
        double alpha = alphas.length % 2 == 1 ? alphas[alphas.length / 2]
                : (alphas[alphas.length / 2 - 1] + alphas[alphas.length / 2]) / 2;
        return new AlphaBeta(Math.max(0, alpha), beta);
    }

    /** Bytes through each rank's link: 2(p−1)/p · n. */
    private static double bandwidthTerm(Sample s) {
        return 2.0 * (s.ranks() - 1) / s.ranks() * s.bytes();
    }

    /** Least squares of T = 2(p−1)α + 2(p−1)/p·n·β, of the relative error or the absolute one. */
    private static AlphaBeta leastSquares(List<Sample> samples, boolean relative) {
        double sw = 0;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int p = samples.get(0).ranks();
        for (Sample s : samples) {
            double w = relative ? 1 / (s.seconds() * s.seconds()) : 1;
            double x = bandwidthTerm(s);
            sw += w;
            sx += w * x;
            sy += w * s.seconds();
            sxx += w * x * x;
            sxy += w * x * s.seconds();
        }
        double b = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
        double a = (sy - b * sx) / sw;
        return new AlphaBeta(Math.max(0, a) / (2.0 * (p - 1)), b);
    }

    /** Seconds to allreduce {@code bytes} over {@code ranks} ranks in buckets of {@code bucketBytes}. */
    public double seconds(double bytes, int ranks, double bucketBytes) {
        if (ranks < 2) {
            return 0;
        }
        double buckets = Math.ceil(bytes / bucketBytes);
        return buckets * 2.0 * (ranks - 1) * alpha + 2.0 * (ranks - 1) / ranks * bytes * beta;
    }

    /** Seconds for one bucket-less allreduce, {@link #seconds(double, int, double)} with a single bucket. */
    public double seconds(double bytes, int ranks) {
        return seconds(bytes, ranks, Double.MAX_VALUE);
    }

    /** Bandwidth in GB/s (1 / β). */
    public double gigabytesPerSecond() {
        return 1 / beta / 1e9;
    }
}
