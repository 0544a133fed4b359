package io.histoscale.bench.search;

import com.fasterxml.jackson.databind.JsonNode;
import io.histoscale.bench.Peers;
import io.histoscale.core.UserException;
import io.histoscale.search.sampler.Samplers;
import io.histoscale.search.sampler.TestFunction;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How close our samplers get to a test function's minimum in a fixed number of trials, against Optuna's in the same
 * run: for each function, our TPE and random sampler over every seed, then (in one Python process) Optuna's
 * {@code TPESampler(seed=s)} with its defaults and {@code RandomSampler(seed=s)}, alternating ours and the peer
 * function by function. Simple regret = best value found − the global minimum; each figure is the median over seeds,
 * the overall one the geometric mean of the functions' medians; ratio = peer ÷ ours (above 1: we get closer).
 */
public final class SearchBench {

    /** What to run. */
    public record Options(List<TestFunction> functions, int trials, int seeds, int firstSeed, boolean peerMultivariate) {
        public Options {
            if (firstSeed < 0) throw new UserException("--first-seed " + firstSeed + ": give 0 or more");
            functions = List.copyOf(functions);
            if (functions.isEmpty()) throw new UserException("--functions: give at least one test function");
            if (trials < 1) throw new UserException("--trials " + trials + ": give at least 1");
            if (seeds < 1) throw new UserException("--seeds " + seeds + ": give at least 1");
        }
    }

    /** Regrets this small count as this (the geometric mean needs positive numbers). */
    static final double FLOOR = 1e-12;

    private SearchBench() {
    }

    /** Runs the benchmark with the peer Python {@code python}; progress on {@code progress}. */
    public static Map<String, Object> run(Options o, Peers.Python python, PrintStream progress) {
        Path dir;
        try {
            dir = Files.createTempDirectory("histoscale-bench-search");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path script = Peers.copyScript(SearchBench.class, "optuna_peer.py", dir);
            Map<String, Object> functions = new LinkedHashMap<>();
            double oursLog = 0;
            double peerLog = 0;
            double oursSeconds = 0;
            double peerSeconds = 0;
            for (TestFunction f : o.functions()) {
                long start = System.nanoTime();
                double oursTpe = median(regrets(f, "tpe", o.trials(), o.firstSeed(), o.seeds()));
                double oursRandom = median(regrets(f, "random", o.trials(), o.firstSeed(), o.seeds()));
                double ours = (System.nanoTime() - start) / 1e9;
                oursSeconds += ours;
                progress.printf("bench search: %s ours: tpe %.4g, random %.4g (%.1f s)%n", f.id(), oursTpe, oursRandom, ours);
                start = System.nanoTime();
                List<String> args = new ArrayList<>(List.of(f.id(), Integer.toString(o.trials()),
                        Integer.toString(o.seeds()), Integer.toString(o.firstSeed())));
                if (o.peerMultivariate()) args.add("--multivariate");
                JsonNode peer = Peers.runScript(python.executable(), script, "python3-optuna", args.toArray(String[]::new));
                double peerTime = (System.nanoTime() - start) / 1e9;
                peerSeconds += peerTime;
                double peerTpe = median(peerRegrets(peer.get("tpe"), f));
                double peerRandom = median(peerRegrets(peer.get("random"), f));
                progress.printf("bench search: %s %s: tpe %.4g, random %.4g (%.1f s)%n", f.id(), python.label(), peerTpe,
                        peerRandom, peerTime);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("ours_tpe", round(oursTpe));
                row.put("ours_random", round(oursRandom));
                row.put("peer_tpe", round(peerTpe));
                row.put("peer_random", round(peerRandom));
                if (peer.has("tpe_multivariate")) {
                    row.put("peer_tpe_multivariate", round(median(peerRegrets(peer.get("tpe_multivariate"), f))));
                }
                row.put("ratio", round(Math.max(peerTpe, FLOOR) / Math.max(oursTpe, FLOOR)));
                row.put("optimum", f.optimum());
                row.put("ours_seconds", round(ours));
                row.put("peer_seconds", round(peerTime));
                functions.put(f.id(), row);
                oursLog += Math.log(Math.max(oursTpe, FLOOR));
                peerLog += Math.log(Math.max(peerTpe, FLOOR));
            }
            int n = o.functions().size();
            double ours = Math.exp(oursLog / n);
            double peer = Math.exp(peerLog / n);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("benchmark", "search");
            result.put("ours", round(ours));
            result.put("peer", round(peer));
            result.put("unit", "simple regret after " + o.trials() + " trials (median of " + o.seeds()
                    + " seeds; overall: geometric mean over functions)");
            result.put("ratio", round(peer / ours));
            result.put("functions", functions);
            result.put("ours_sampler", "tpe with its defaults");
            result.put("peer_sampler", "optuna TPESampler(seed=s) with its defaults");
            result.put("peer_version", python.label());
            result.put("trials", o.trials());
            result.put("seeds", o.seeds());
            result.put("first_seed", o.firstSeed());
            result.put("ours_seconds", round(oursSeconds));
            result.put("peer_seconds", round(peerSeconds));
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Peers.deleteTree(dir);
        }
    }

    /** Our sampler {@code name}'s simple regret after {@code trials} trials, per seed (from {@code firstSeed}). */
    static double[] regrets(TestFunction f, String name, int trials, int firstSeed, int seeds) {
        double[] regret = new double[seeds];
        for (int i = 0; i < seeds; i++) {
            regret[i] = f.simpleRegret(Samplers.create(name, Map.of()), trials, firstSeed + i);
        }
        return regret;
    }

    private static double[] peerRegrets(JsonNode best, TestFunction f) {
        double[] r = new double[best.size()];
        for (int i = 0; i < r.length; i++) r[i] = best.get(i).asDouble() - f.optimum();
        return r;
    }

    private static double median(double[] values) {
        return Peers.median(values);
    }

    private static double round(double v) {
        if (v == 0 || !Double.isFinite(v)) return v;
        double scale = Math.pow(10, 5 - Math.ceil(Math.log10(Math.abs(v))));
        return Math.round(v * scale) / scale;
    }
}
