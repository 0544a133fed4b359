package io.histoscale.search.space;

/**
 * One dimension of a search space. Every parameter has a name (a training setting such as {@code learning_rate}, or
 * an architecture gene {@code arch.NAME}) and an optional {@link Condition}; a trial assigns a value to each
 * parameter whose condition holds.
 */
public sealed interface Param permits NumericParam, CategoricalParam, FixedParam {

    String name();

    /** When the parameter is active; null when always. */
    Condition condition();

    /** Whether {@code value} is one this parameter can take. */
    boolean contains(Object value);
}
