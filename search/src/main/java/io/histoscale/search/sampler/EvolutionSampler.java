package io.histoscale.search.sampler;

import io.histoscale.core.Settings;
import io.histoscale.core.UserException;
import io.histoscale.search.space.CategoricalParam;
import io.histoscale.search.space.FixedParam;
import io.histoscale.search.space.NumericParam;
import io.histoscale.search.space.Param;
import io.histoscale.search.space.SearchSpace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Regularised ("aging") evolution (Real et al., AAAI 2019). The population is the last {@code population} trials with
 * a loss, by trial number, so old trials die however good they were; each ask draws {@code sample} of them without
 * replacement, takes the best ({@link Ranking}: pruned trials below complete ones) and mutates exactly one of its
 * genes: a categorical takes a different choice (parameters it newly activates get random values, parameters it
 * deactivates are dropped), a range is perturbed on its internal scale (a normal step of a tenth of the range) or,
 * half the time, drawn afresh; either way to a value different from the parent's. Random until the population is full.
 *
 * <p>Settings: {@code population} (20), {@code sample} (5).
 */
public final class EvolutionSampler implements Sampler {

    /** Spread of a perturbation, as a fraction of the range on the internal scale. */
    static final double PERTURBATION = 0.1;

    private final int population;
    private final int sample;

    public EvolutionSampler(int population, int sample) {
        if (population < 1) throw UserException.forKey("population", population + ": give at least 1");
        if (sample < 1 || sample > population) {
            throw UserException.forKey("sample", sample + ": give 1 to the population (" + population + ")");
        }
        this.population = population;
        this.sample = sample;
    }

    @Override
    public Map<String, Object> ask(SearchSpace space, List<Observation> history, SplittableRandom random) {
        Observation parent = tournament(history, random);
        return parent == null ? space.assign(p -> Ranges.randomValue(p, random)) : mutate(space, parent.params(), random);
    }

    /** The tournament's winner, or null while the population is not full. */
    Observation tournament(List<Observation> history, SplittableRandom random) {
        List<Observation> finished = history.stream().filter(Observation::hasLoss)
                .sorted(Comparator.comparingInt(Observation::number)).toList();
        if (finished.size() < population) return null;
        List<Observation> alive = new ArrayList<>(finished.subList(finished.size() - population, finished.size()));
        Observation best = null;
        for (int i = 0; i < sample; i++) {
            int j = i + random.nextInt(alive.size() - i);
            Observation o = alive.get(j);
            alive.set(j, alive.get(i));
            alive.set(i, o);
            if (best == null || Ranking.BEST_FIRST.compare(o, best) < 0) best = o;
        }
        return best;
    }

    /** {@code parent} with one gene changed (random values for the parameters that change makes active). */
    static Map<String, Object> mutate(SearchSpace space, Map<String, Object> parent, SplittableRandom random) {
        List<Param> genes = new ArrayList<>();
        for (Param p : space.params()) {
            if (space.isActive(p, parent) && mutable(p)) genes.add(p);
        }
        if (genes.isEmpty()) {
            return space.assign(p -> p.contains(parent.get(p.name())) ? parent.get(p.name()) : Ranges.randomValue(p, random));
        }
        Param gene = genes.get(random.nextInt(genes.size()));
        Object changed = mutateValue(gene, parent.get(gene.name()), random);
        return space.assign(p -> {
            if (p == gene) return changed;
            Object v = parent.get(p.name());
            return v != null && p.contains(v) ? v : Ranges.randomValue(p, random);
        });
    }

    private static boolean mutable(Param p) {
        if (p instanceof FixedParam) return false;
        if (p instanceof CategoricalParam c) return c.choices().size() > 1;
        NumericParam n = (NumericParam) p;
        return !Ranges.discrete(n) || Ranges.gridSize(n) > 1;
    }

    private static Object mutateValue(Param p, Object current, SplittableRandom random) {
        if (p instanceof CategoricalParam c) {
            int now = c.indexOf(current);
            if (now < 0) return c.choices().get(random.nextInt(c.choices().size()));
            int k = random.nextInt(c.choices().size() - 1);
            return c.choices().get(k >= now ? k + 1 : k);
        }
        NumericParam n = (NumericParam) p;
        double x = Ranges.internal(n, current);
        if (Double.isNaN(x)) return n.value(Ranges.uniform(n, random));
        double lo = Ranges.lo(n);
        double hi = Ranges.hi(n);
        for (int attempt = 0; attempt < 32; attempt++) {
            double y = random.nextBoolean() ? Ranges.uniform(n, random)
                    : Math.min(hi, Math.max(lo, x + PERTURBATION * (hi - lo) * random.nextGaussian()));
            Object v = n.value(y);
            if (((Number) v).doubleValue() != ((Number) current).doubleValue()) return v;
        }
        // a grid hardly moved by chance: the neighbouring grid value
        double v = ((Number) current).doubleValue();
        double next = v + n.step() <= n.high() + 1e-12 ? v + n.step() : v - n.step();
        return n.value(n.log() ? Math.log(next) : next);
    }

    /** {@code evolution}. */
    public static final class Factory implements SamplerFactory {
        @Override
        public String name() {
            return "evolution";
        }

        @Override
        public String description() {
            return "regularised (aging) evolution: mutates one gene of a tournament's winner among the last trials"
                    + " (settings population, sample)";
        }

        @Override
        public Sampler create(Settings s) {
            return new EvolutionSampler(s.integer("population", 20), s.integer("sample", 5));
        }
    }
}
