package io.histoscale.search.sampler;

import io.histoscale.search.sampler.TpeSampler.Bandwidth;
import io.histoscale.search.space.CategoricalParam;
import io.histoscale.search.space.NumericParam;
import io.histoscale.search.space.Param;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A Parzen estimator over a group of parameters: a mixture with one component per observed point (given best first;
 * weights falling linearly with rank by {@code rankWeight}) plus a prior component (weight {@code priorWeight} times
 * an average point's, centred in each range with the range's width as its spread, uniform over a
 * categorical's choices). Each component is a product of kernels, one per parameter: a normal truncated to the range
 * on the internal scale (for a grid range, the mass of the value's cell), or for a categorical a point mass on the
 * observed choice. With one parameter per group this is the independent TPE of Bergstra et al.; with several it is the
 * joint (multivariate) estimator of Falkner et al.
 */
final class Parzen {

    private final List<Param> dims;
    private final double[] lo;
    private final double[] hi;
    private final double[][] mu;      // [component][dim]; categorical: choice index, -1 for the prior's uniform
    private final double[][] sigma;   // [component][dim], numeric dims
    private final double[][] logNorm; // [component][dim]: log mass of the kernel within [lo, hi]
    private final double[] logWeight;
    private final double[] cumulative;

    Parzen(List<Param> dims, List<double[]> points, double priorWeight, double rankWeight, Bandwidth bandwidth,
           double scale) {
        this.dims = dims;
        int d = dims.size();
        int n = points.size();
        int k = n + 1;
        lo = new double[d];
        hi = new double[d];
        mu = new double[k][d];
        sigma = new double[k][d];
        logNorm = new double[k][d];
        logWeight = new double[k];
        cumulative = new double[k];
        int numericDims = 0;
        for (int j = 0; j < d; j++) {
            if (dims.get(j) instanceof NumericParam p) {
                lo[j] = Ranges.lo(p);
                hi[j] = Ranges.hi(p);
                numericDims++;
            }
        }
        double[] pw = new double[k];
        double total = 0;
        for (int i = 0; i < k; i++) {
            // the i-th best point weighs 1 - rankWeight * i / (n - 1); the prior priorWeight times an average point
            pw[i] = i < n ? (n > 1 ? 1 - rankWeight * i / (n - 1.0) : 1) : priorWeight * (n > 1 ? 1 - rankWeight / 2 : 1);
            total += pw[i];
        }
        double acc = 0;
        for (int i = 0; i < k; i++) {
            double w = pw[i];
            logWeight[i] = Math.log(w / total);
            acc += w / total;
            cumulative[i] = acc;
        }
        for (int j = 0; j < d; j++) {
            boolean numeric = dims.get(j) instanceof NumericParam;
            double width = hi[j] - lo[j];
            for (int i = 0; i < n; i++) {
                mu[i][j] = points.get(i)[j];
            }
            mu[n][j] = numeric ? 0.5 * (lo[j] + hi[j]) : -1;
            if (!numeric) continue;
            double min = width / Math.min(100.0, n + 1.0);
            if (bandwidth == Bandwidth.SCOTT) {
                double s = 0.2 * scale * width * Math.pow(n + 1.0, -1.0 / (numericDims + 4));
                for (int i = 0; i < n; i++) sigma[i][j] = Math.min(width, Math.max(min, s));
            } else {
                neighbour(j, n, width, min, scale);
            }
            sigma[n][j] = width;
            for (int i = 0; i < k; i++) {
                logNorm[i][j] = Gauss.logMass(mu[i][j], sigma[i][j], lo[j], hi[j]);
            }
        }
    }

    /** Per parameter, the larger distance to a neighbouring point; a point alone spans the range. */
    private void neighbour(int j, int n, double width, double min, double scale) {
        int m = n;
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(mu[a][j], mu[b][j]));
        for (int r = 0; r < m; r++) {
            int i = order[r];
            if (i == n) continue;
            double left = r > 0 ? mu[i][j] - mu[order[r - 1]][j] : -1;
            double right = r < m - 1 ? mu[order[r + 1]][j] - mu[i][j] : -1;
            double s = Math.max(left, right);
            if (left < 0 && right < 0) s = width;
            sigma[i][j] = Math.min(width, Math.max(min, scale * s));
        }
    }

    /** A draw: a component by weight, then each parameter from that component's kernel (grid values snapped). */
    double[] sample(SplittableRandom random) {
        double u = random.nextDouble();
        int c = 0;
        while (c < cumulative.length - 1 && cumulative[c] < u) c++;
        double[] x = new double[dims.size()];
        for (int j = 0; j < x.length; j++) {
            Param p = dims.get(j);
            if (p instanceof NumericParam n) {
                x[j] = Ranges.snap(n, Gauss.draw(mu[c][j], sigma[c][j], lo[j], hi[j], random));
            } else {
                int size = ((CategoricalParam) p).choices().size();
                x[j] = mu[c][j] >= 0 ? mu[c][j] : random.nextInt(size);
            }
        }
        return x;
    }

    /** The log density (log probability for grid and categorical parameters) of point {@code x}. */
    double logDensity(double[] x) {
        int d = dims.size();
        double[][] cells = new double[d][];
        for (int j = 0; j < d; j++) {
            if (dims.get(j) instanceof NumericParam p && Ranges.discrete(p)) cells[j] = Ranges.cell(p, p.value(x[j]) instanceof Number v ? v.doubleValue() : 0);
        }
        double max = Double.NEGATIVE_INFINITY;
        double[] terms = new double[mu.length];
        for (int i = 0; i < mu.length; i++) {
            double t = logWeight[i];
            for (int j = 0; j < d && t > Double.NEGATIVE_INFINITY; j++) {
                Param p = dims.get(j);
                if (p instanceof NumericParam) {
                    t += (cells[j] != null ? Gauss.logMass(mu[i][j], sigma[i][j], cells[j][0], cells[j][1])
                            : Gauss.logPdf(mu[i][j], sigma[i][j], x[j])) - logNorm[i][j];
                } else if (mu[i][j] < 0) {
                    t -= Math.log(((CategoricalParam) p).choices().size());
                } else if (mu[i][j] != x[j]) {
                    t = Double.NEGATIVE_INFINITY;
                }
            }
            terms[i] = t;
            max = Math.max(max, t);
        }
        if (max == Double.NEGATIVE_INFINITY) return max;
        double sum = 0;
        for (double t : terms) sum += Math.exp(t - max);
        return max + Math.log(sum);
    }
}
