package io.histoscale.search.scheduler;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The values trials reported along the way, oriented so that lower is better (a loss): by trial number, then by
 * step (epoch, from 1).
 */
public final class Reports {

    private final Map<Integer, NavigableMap<Integer, Double>> byTrial = new TreeMap<>();

    /** Adds trial {@code number}'s loss at {@code step} (replacing one given before). */
    public Reports add(int number, int step, double loss) {
        byTrial.computeIfAbsent(number, n -> new TreeMap<>()).put(step, loss);
        return this;
    }

    /** Trial {@code number}'s losses by step; empty when it reported none. */
    public NavigableMap<Integer, Double> of(int number) {
        NavigableMap<Integer, Double> m = byTrial.get(number);
        return m == null ? Collections.emptyNavigableMap() : Collections.unmodifiableNavigableMap(m);
    }

    /** Every trial that reported something. */
    public java.util.Set<Integer> trials() {
        return Collections.unmodifiableSet(byTrial.keySet());
    }
}
