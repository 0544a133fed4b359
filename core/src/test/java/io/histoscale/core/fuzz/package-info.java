/**
 * A small property-testing harness for hostile-input suites: seeded random documents, a bounded number of tries, a
 * time and an allocation limit per try, and the one rule every parser is held to ({@link Fuzz#userErrorOr}).
 *
 * <p>Seed policy: every property has a fixed seed derived from its name, so that CI and every developer run the
 * same tries and a red run stays red until fixed. {@code -Dhistoscale.fuzz.seed=N} runs other tries
 * ({@code random} picks a new seed each run, for exploring); {@code -Dhistoscale.fuzz.tries=N} overrides the number
 * of tries; {@code -Dhistoscale.fuzz.replay=S} runs only the try with seed {@code S}, as a failure reports it. A
 * failing try's input is also saved under {@code target/fuzz-failures/}, to be kept as an example-based regression
 * test.
 */
package io.histoscale.core.fuzz;
