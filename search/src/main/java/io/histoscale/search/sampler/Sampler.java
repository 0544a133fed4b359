package io.histoscale.search.sampler;

import io.histoscale.search.space.SearchSpace;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Proposes the parameters of the next trial ("ask"), given every trial of the study so far; a trial's result is
 * "told" by recording it in the study, which the next ask sees in {@code history}. A sampler keeps no state of its
 * own between asks: what it knows is a function of the history, so any worker on any node can ask, and a study whose
 * driver was killed resumes exactly where it was.
 */
public interface Sampler {

    /**
     * The next trial's parameters: a value for every active parameter of {@code space}
     * ({@link SearchSpace#assign}), each one it can take.
     *
     * @param history every trial of the study so far, by number (running ones without a loss)
     * @param random  the trial's own generator (seeded by the study's seed and the trial's number)
     */
    Map<String, Object> ask(SearchSpace space, List<Observation> history, SplittableRandom random);
}
