package io.histoscale.search.sampler;

import io.histoscale.core.Settings;
import io.histoscale.search.space.SearchSpace;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Independent draws: uniform on each range's internal scale (log-uniform on a log range, every grid value its share on
 * a grid), uniform among a categorical's choices. Ignores the history; the baseline every other sampler must beat.
 */
public final class RandomSampler implements Sampler {

    @Override
    public Map<String, Object> ask(SearchSpace space, List<Observation> history, SplittableRandom random) {
        return space.assign(p -> Ranges.randomValue(p, random));
    }

    /** {@code random}: no settings. */
    public static final class Factory implements SamplerFactory {
        @Override
        public String name() {
            return "random";
        }

        @Override
        public String description() {
            return "independent uniform draws (log-uniform for log ranges); ignores the history";
        }

        @Override
        public Sampler create(Settings settings) {
            return new RandomSampler();
        }
    }
}
