package io.histoscale.search.sampler;

import io.histoscale.core.Settings;
import io.histoscale.core.UserException;
import io.histoscale.search.TrialState;
import io.histoscale.search.space.CategoricalParam;
import io.histoscale.search.space.Condition;
import io.histoscale.search.space.FixedParam;
import io.histoscale.search.space.NumericParam;
import io.histoscale.search.space.Param;
import io.histoscale.search.space.SearchSpace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Tree-structured Parzen Estimator (Bergstra et al., NeurIPS 2011). The first {@code startup} trials are random. After
 * that the trials with a loss are ranked ({@link Ranking}: COMPLETE by loss, then PRUNED ones, worse than every
 * complete one, those that got further first) and split into the best {@code ceil(gamma × n)} (at most
 * {@code good_max}) and the rest; a {@link Parzen} estimator l(x) is fitted to the good trials and g(x) to the others,
 * {@code candidates} points are drawn from l and the one with the largest l(x)/g(x) is proposed.
 *
 * <p>With {@code multivariate} the parameters that share a condition (all the unconditional ones together, and each
 * set of parameters brought by the same parent values) get one joint estimator (Falkner et al. 2018), which sees how
 * parameters interact; otherwise each parameter has its own. A conditional parameter (group) is fitted only on the
 * trials where it was active. Trials still RUNNING or WAITING are ignored, unless {@code constant_liar}, which counts
 * them among the bad trials so that parallel workers asking at the same time spread out.
 *
 * <p>Settings (defaults chosen on {@code histoscale bench search}, Branin, Hartmann-6 and Levy-10 at 100 trials):
 * {@code startup} (10) random trials first; {@code candidates} (64) draws from l per ask; {@code gamma} (0.15) the
 * good fraction; {@code good_max} (25) at most that many good trials; {@code prior_weight} (2.0) the prior
 * component's weight in units of an average point; {@code rank_weight} (0.8) how much a point's weight falls with its
 * rank (the best weighs 1, the worst of its set 1 − rank_weight; 0 = all equal); {@code multivariate} (true) joint
 * kernels per condition group; {@code bandwidth} ({@code neighbour}, or {@code scott}); {@code bandwidth_scale} (1.0)
 * multiplies every spread; {@code constant_liar} (false).
 */
public final class TpeSampler implements Sampler {

    /** How the spread of each observed point's kernel is chosen. */
    public enum Bandwidth {
        /**
         * Per parameter, the larger of the distances to the neighbouring observed points (the whole range for a point
         * alone), clipped to [width / min(100, n + 1), width].
         */
        NEIGHBOUR,
        /** A rule of thumb: 0.2 × the range's width × (n + 1)^(−1/(d+4)), d the group's numeric parameters. */
        SCOTT
    }

    /** The settings of a TPE sampler. */
    public record Options(int startup, int candidates, double gamma, int goodMax, double priorWeight, double rankWeight,
                          boolean multivariate, Bandwidth bandwidth, double bandwidthScale,
                          boolean constantLiar) {

        /** The defaults, chosen on {@code histoscale bench search}. */
        public static Options defaults() {
            return read(new Settings("sampler tpe", Map.of()));
        }

        /** Reads the settings named in the class comment. */
        public static Options read(Settings s) {
            int startup = s.integer("startup", 10);
            int candidates = s.integer("candidates", 64);
            double gamma = s.number("gamma", 0.15);
            int goodMax = s.integer("good_max", 25);
            double priorWeight = s.number("prior_weight", 2.0);
            double rankWeight = s.number("rank_weight", 0.8);
            boolean multivariate = s.flag("multivariate", true);
            String bw = s.text("bandwidth", "neighbour").toLowerCase(Locale.ROOT);
            double scale = s.number("bandwidth_scale", 1.0);
            boolean liar = s.flag("constant_liar", false);
            if (startup < 0) throw UserException.forKey("startup", startup + ": give 0 or more random trials");
            if (candidates < 1) throw UserException.forKey("candidates", candidates + ": give at least 1");
            Settings.check("gamma", gamma, gamma > 0 && gamma <= 1, "give a fraction in (0, 1]");
            if (goodMax < 1) throw UserException.forKey("good_max", goodMax + ": give at least 1");
            Settings.check("prior_weight", priorWeight, priorWeight > 0, "give a positive weight");
            Settings.check("rank_weight", rankWeight, rankWeight >= 0 && rankWeight < 1, "give a fraction in [0, 1)");
            Settings.check("bandwidth_scale", scale, scale > 0, "give a positive factor");
            Bandwidth bandwidth = switch (bw) {
                case "scott" -> Bandwidth.SCOTT;
                case "neighbour", "neighbor" -> Bandwidth.NEIGHBOUR;
                default -> throw UserException.forKey("bandwidth", "'" + bw + "': give scott or neighbour");
            };
            return new Options(startup, candidates, gamma, goodMax, priorWeight, rankWeight, multivariate, bandwidth, scale, liar);
        }
    }

    private final Options options;

    public TpeSampler(Options options) {
        this.options = options;
    }

    public Options options() {
        return options;
    }

    @Override
    public Map<String, Object> ask(SearchSpace space, List<Observation> history, SplittableRandom random) {
        List<Observation> ranked = Ranking.ranked(history);
        if (ranked.size() < options.startup() || ranked.isEmpty()) {
            return space.assign(p -> Ranges.randomValue(p, random));
        }
        int n = ranked.size();
        int nGood = Math.min(options.goodMax(), Math.max(1, (int) Math.ceil(options.gamma() * n)));
        nGood = Math.min(nGood, n);
        List<Observation> good = ranked.subList(0, nGood);
        List<Observation> bad = new ArrayList<>(ranked.subList(nGood, n));
        if (options.constantLiar()) {
            for (Observation o : history) {
                if (o.state() == TrialState.RUNNING || o.state() == TrialState.WAITING) bad.add(o);
            }
        }
        Map<Param, List<Param>> groupOf = groups(space);
        Map<List<Param>, Map<String, Object>> chosen = new IdentityHashMap<>();
        return space.assign(p -> chosen.computeIfAbsent(groupOf.get(p), g -> sampleGroup(g, good, bad, random))
                .get(p.name()));
    }

    /** Each varied parameter's group: itself, or with {@code multivariate} every parameter under the same condition. */
    private Map<Param, List<Param>> groups(SearchSpace space) {
        Map<Param, List<Param>> groupOf = new HashMap<>();
        Map<Condition, List<Param>> byCondition = new LinkedHashMap<>();
        List<Param> unconditional = new ArrayList<>();
        for (Param p : space.params()) {
            if (p instanceof FixedParam) continue;
            List<Param> g = !options.multivariate() ? new ArrayList<>()
                    : p.condition() == null ? unconditional
                    : byCondition.computeIfAbsent(p.condition(), c -> new ArrayList<>());
            g.add(p);
            groupOf.put(p, g);
        }
        return groupOf;
    }

    private Map<String, Object> sampleGroup(List<Param> dims, List<Observation> good, List<Observation> bad,
                                            SplittableRandom random) {
        Parzen l = new Parzen(dims, points(dims, good), options.priorWeight(), options.rankWeight(), options.bandwidth(),
                options.bandwidthScale());
        Parzen g = new Parzen(dims, points(dims, bad), options.priorWeight(), options.rankWeight(), options.bandwidth(),
                options.bandwidthScale());
        double[] best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < options.candidates(); c++) {
            double[] x = l.sample(random);
            double score = l.logDensity(x) - g.logDensity(x);
            if (best == null || score > bestScore) {
                best = x;
                bestScore = score;
            }
        }
        Map<String, Object> values = new HashMap<>();
        for (int j = 0; j < dims.size(); j++) {
            Param p = dims.get(j);
            values.put(p.name(), p instanceof NumericParam num ? num.value(best[j])
                    : ((CategoricalParam) p).choices().get((int) best[j]));
        }
        return values;
    }

    /** The trials' values of the group's parameters, for those trials where the group was active (and valid). */
    static List<double[]> points(List<Param> dims, List<Observation> trials) {
        List<double[]> points = new ArrayList<>();
        next:
        for (Observation o : trials) {
            double[] x = new double[dims.size()];
            for (int j = 0; j < x.length; j++) {
                Param p = dims.get(j);
                Object v = o.params().get(p.name());
                if (v == null) continue next;
                if (p instanceof NumericParam num) {
                    x[j] = Ranges.internal(num, v);
                    if (Double.isNaN(x[j])) continue next;
                } else {
                    x[j] = ((CategoricalParam) p).indexOf(v);
                    if (x[j] < 0) continue next;
                }
            }
            points.add(x);
        }
        return points;
    }

    /** {@code tpe}. */
    public static final class Factory implements SamplerFactory {
        @Override
        public String name() {
            return "tpe";
        }

        @Override
        public String description() {
            return "Tree-structured Parzen Estimator: proposes where good trials are dense and poor ones sparse"
                    + " (settings startup, candidates, gamma, good_max, prior_weight, rank_weight, multivariate,"
                    + " bandwidth, bandwidth_scale, constant_liar)";
        }

        @Override
        public Sampler create(Settings settings) {
            return new TpeSampler(Options.read(settings));
        }
    }
}
