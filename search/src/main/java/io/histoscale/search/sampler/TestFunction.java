package io.histoscale.search.sampler;

import io.histoscale.search.TrialState;
import io.histoscale.search.space.FloatParam;
import io.histoscale.search.space.SearchSpace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Standard test functions for samplers, to be minimised over a box: each knows its bounds, its global minimum and a
 * {@link SearchSpace} of float parameters {@code x0 … x(d-1)}. Simple regret = best value found − {@link #optimum}.
 */
public enum TestFunction {

    /** Branin–Hoo, x0 ∈ [−5, 10], x1 ∈ [0, 15]; three global minima of 0.397887. */
    BRANIN("branin", new double[] {-5, 0}, new double[] {10, 15}, 0.397887357729738) {
        @Override
        public double value(double[] x) {
            double b = 5.1 / (4 * Math.PI * Math.PI);
            double c = 5 / Math.PI;
            double t = 1 / (8 * Math.PI);
            double u = x[1] - b * x[0] * x[0] + c * x[0] - 6;
            return u * u + 10 * (1 - t) * Math.cos(x[0]) + 10;
        }
    },

    /** Hartmann 6-D on [0, 1]^6; global minimum −3.32237. */
    HARTMANN6("hartmann6", fill(6, 0), fill(6, 1), -3.322368011391339) {
        private static final double[] ALPHA = {1.0, 1.2, 3.0, 3.2};
        private static final double[][] A = {
                {10, 3, 17, 3.5, 1.7, 8},
                {0.05, 10, 17, 0.1, 8, 14},
                {3, 3.5, 1.7, 10, 17, 8},
                {17, 8, 0.05, 10, 0.1, 14}};
        private static final double[][] P = {
                {0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};

        @Override
        public double value(double[] x) {
            double sum = 0;
            for (int i = 0; i < 4; i++) {
                double inner = 0;
                for (int j = 0; j < 6; j++) {
                    double d = x[j] - P[i][j];
                    inner += A[i][j] * d * d;
                }
                sum += ALPHA[i] * Math.exp(-inner);
            }
            return -sum;
        }
    },

    /** Levy in 10-D on [−10, 10]^10; global minimum 0 at (1, …, 1). */
    LEVY10("levy10", fill(10, -10), fill(10, 10), 0) {
        @Override
        public double value(double[] x) {
            int d = x.length;
            double[] w = new double[d];
            for (int i = 0; i < d; i++) w[i] = 1 + (x[i] - 1) / 4;
            double s0 = Math.sin(Math.PI * w[0]);
            double sum = s0 * s0;
            for (int i = 0; i < d - 1; i++) {
                double s = Math.sin(Math.PI * w[i] + 1);
                sum += (w[i] - 1) * (w[i] - 1) * (1 + 10 * s * s);
            }
            double s = Math.sin(2 * Math.PI * w[d - 1]);
            return sum + (w[d - 1] - 1) * (w[d - 1] - 1) * (1 + s * s);
        }
    },

    /** Rosenbrock in 10-D on [−5, 10]^10; global minimum 0 at (1, …, 1). */
    ROSENBROCK10("rosenbrock10", fill(10, -5), fill(10, 10), 0) {
        @Override
        public double value(double[] x) {
            double sum = 0;
            for (int i = 0; i < x.length - 1; i++) {
                double a = x[i + 1] - x[i] * x[i];
                double b = x[i] - 1;
                sum += 100 * a * a + b * b;
            }
            return sum;
        }
    };

    private final String id;
    private final double[] low;
    private final double[] high;
    private final double optimum;

    TestFunction(String id, double[] low, double[] high, double optimum) {
        this.id = id;
        this.low = low;
        this.high = high;
        this.optimum = optimum;
    }

    /** The function at point {@code x} (length {@link #dimensions()}, within the bounds). */
    public abstract double value(double[] x);

    /** The function at a trial's parameters {@code x0 … x(d-1)}. */
    public double value(Map<String, ?> params) {
        double[] x = new double[dimensions()];
        for (int i = 0; i < x.length; i++) x[i] = ((Number) params.get("x" + i)).doubleValue();
        return value(x);
    }

    /**
     * The simple regret (best value found − {@link #optimum}) of {@code sampler} minimising this function over
     * {@code trials} asks and tells, trial {@code t} drawing from the generator seeded {@code seed × 1,000,003 + t}.
     */
    public double simpleRegret(Sampler sampler, int trials, long seed) {
        SearchSpace space = space();
        List<Observation> history = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (int t = 0; t < trials; t++) {
            Map<String, Object> p = sampler.ask(space, history, new SplittableRandom(seed * 1_000_003L + t));
            double y = value(p);
            best = Math.min(best, y);
            history.add(new Observation(t, p, TrialState.COMPLETE, y, 1));
        }
        return best - optimum;
    }

    /** The lower-case name the benchmark takes ({@code branin}, {@code hartmann6}, {@code levy10}, {@code rosenbrock10}). */
    public String id() {
        return id;
    }

    public int dimensions() {
        return low.length;
    }

    public double low(int i) {
        return low[i];
    }

    public double high(int i) {
        return high[i];
    }

    /** The global minimum. */
    public double optimum() {
        return optimum;
    }

    /** Float parameters {@code x0 … x(d-1)} over the bounds. */
    public SearchSpace space() {
        List<FloatParam> params = new ArrayList<>();
        for (int i = 0; i < dimensions(); i++) params.add(new FloatParam("x" + i, low[i], high[i], false, 0, null));
        return new SearchSpace(params);
    }

    /** The function called {@code id}, or null. */
    public static TestFunction byId(String id) {
        for (TestFunction f : values()) {
            if (f.id.equalsIgnoreCase(id)) return f;
        }
        return null;
    }

    private static double[] fill(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
