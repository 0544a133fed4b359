package io.histoscale.search.sampler;

import io.histoscale.core.Settings;
import io.histoscale.core.UserException;
import io.histoscale.search.TrialState;
import io.histoscale.search.space.CategoricalParam;
import io.histoscale.search.space.FixedParam;
import io.histoscale.search.space.NumericParam;
import io.histoscale.search.space.Param;
import io.histoscale.search.space.SearchSpace;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A REINFORCE controller (Williams 1992; the controller of Zoph &amp; Le 2017 without its LSTM): one softmax policy
 * per parameter, over a categorical's choices or over {@code bins} equal bins of a range's internal scale (its grid
 * values when it has fewer; a drawn bin gives a uniform value within it). The logits start at zero and are learnt
 * afresh at every ask by replaying the trials with a loss in number order: reward = −(loss − mean) / sd over the
 * complete trials (clipped to ±3; a pruned trial gets the worst complete reward), advantage = reward − an exponential
 * moving average of past rewards, and each parameter active in the trial moves its logits by
 * {@code lr} × advantage × (one-hot(its action) − policy). Deterministic given the history and the generator.
 *
 * <p>Settings: {@code bins} (8), {@code lr} (0.2), {@code baseline_decay} (0.9).
 */
public final class RlSampler implements Sampler {

    private final int bins;
    private final double lr;
    private final double decay;

    public RlSampler(int bins, double lr, double decay) {
        if (bins < 2) throw UserException.forKey("bins", bins + ": give at least 2");
        Settings.check("lr", lr, lr > 0, "give a positive learning rate");
        Settings.check("baseline_decay", decay, decay >= 0 && decay < 1, "give a fraction in [0, 1)");
        this.bins = bins;
        this.lr = lr;
        this.decay = decay;
    }

    @Override
    public Map<String, Object> ask(SearchSpace space, List<Observation> history, SplittableRandom random) {
        Map<String, double[]> logits = learn(space, history);
        return space.assign(p -> {
            double[] prob = softmax(logits.get(p.name()));
            double u = random.nextDouble();
            int k = 0;
            while (k < prob.length - 1 && (u -= prob[k]) > 0) k++;
            return value(p, k, random);
        });
    }

    /** Each varied parameter's action probabilities after replaying {@code history}. */
    public Map<String, double[]> policy(SearchSpace space, List<Observation> history) {
        Map<String, double[]> out = new LinkedHashMap<>();
        learn(space, history).forEach((name, l) -> out.put(name, softmax(l)));
        return out;
    }

    private Map<String, double[]> learn(SearchSpace space, List<Observation> history) {
        Map<String, double[]> logits = new LinkedHashMap<>();
        for (Param p : space.params()) {
            if (!(p instanceof FixedParam)) logits.put(p.name(), new double[actions(p)]);
        }
        List<Observation> finished = history.stream().filter(Observation::hasLoss)
                .sorted(Comparator.comparingInt(Observation::number)).toList();
        double[] complete = finished.stream().filter(o -> o.state() == TrialState.COMPLETE)
                .mapToDouble(Observation::loss).filter(Double::isFinite).toArray();
        double mean = 0;
        double var = 0;
        for (double l : complete) mean += l / complete.length;
        for (double l : complete) var += (l - mean) * (l - mean) / complete.length;
        double sd = Math.max(Math.sqrt(var), 1e-12);
        double worst = 0;
        for (double l : complete) worst = Math.min(worst, reward(l, mean, sd));
        double baseline = 0;
        for (Observation o : finished) {
            double r = o.state() == TrialState.COMPLETE && Double.isFinite(o.loss()) ? reward(o.loss(), mean, sd) : worst;
            double advantage = r - baseline;
            for (Param p : space.params()) {
                double[] l = logits.get(p.name());
                if (l == null) continue;
                int a = action(p, o.params().get(p.name()));
                if (a < 0) continue; // not active in that trial (or no longer a value of the space)
                double[] prob = softmax(l);
                for (int k = 0; k < l.length; k++) l[k] += lr * advantage * ((k == a ? 1 : 0) - prob[k]);
            }
            baseline = decay * baseline + (1 - decay) * r;
        }
        return logits;
    }

    private static double reward(double loss, double mean, double sd) {
        return Math.max(-3, Math.min(3, -(loss - mean) / sd));
    }

    private int actions(Param p) {
        if (p instanceof CategoricalParam c) return c.choices().size();
        NumericParam n = (NumericParam) p;
        int grid = Ranges.gridSize(n);
        return grid > 0 && grid <= bins ? grid : bins;
    }

    /** The action that gave {@code value}, or -1. */
    private int action(Param p, Object value) {
        if (value == null) return -1;
        if (p instanceof CategoricalParam c) return c.indexOf(value);
        NumericParam n = (NumericParam) p;
        double x = Ranges.internal(n, value);
        if (Double.isNaN(x)) return -1;
        int size = actions(n);
        if (Ranges.gridSize(n) == size) {
            return (int) Math.max(0, Math.min(size - 1, Math.round((((Number) value).doubleValue() - n.low()) / n.step())));
        }
        double lo = Ranges.lo(n);
        double hi = Ranges.hi(n);
        return (int) Math.max(0, Math.min(size - 1, Math.floor((x - lo) / (hi - lo) * size)));
    }

    private Object value(Param p, int k, SplittableRandom random) {
        if (p instanceof CategoricalParam c) return c.choices().get(k);
        NumericParam n = (NumericParam) p;
        int size = actions(n);
        if (Ranges.gridSize(n) == size) {
            double v = n.low() + k * n.step();
            return n.value(n.log() ? Math.log(v) : v);
        }
        double lo = Ranges.lo(n);
        double w = (Ranges.hi(n) - lo) / size;
        return n.value(lo + (k + random.nextDouble()) * w);
    }

    static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) max = Math.max(max, l);
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp(logits[i] - max);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    /** {@code rl}. */
    public static final class Factory implements SamplerFactory {
        @Override
        public String name() {
            return "rl";
        }

        @Override
        public String description() {
            return "REINFORCE controller: a softmax policy per parameter (ranges in bins) learnt from the trials'"
                    + " rewards (settings bins, lr, baseline_decay)";
        }

        @Override
        public Sampler create(Settings s) {
            return new RlSampler(s.integer("bins", 8), s.number("lr", 0.2), s.number("baseline_decay", 0.9));
        }
    }
}
