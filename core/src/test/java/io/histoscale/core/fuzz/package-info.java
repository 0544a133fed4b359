/**
 * The hostile-input suites' shared parts, on jqwik: damaged documents ({@link io.histoscale.core.fuzz.Mutations}),
 * the rule every parser is held to, and a time and an allocation limit per try
 * ({@link io.histoscale.core.fuzz.Fuzz}).
 *
 * <p>Seed policy: every property names a fixed seed, so that CI and every developer run the same tries and a red run
 * stays red until fixed; change the seed locally to explore other tries. A failing try reports its seed (jqwik) and
 * saves its input under {@code target/fuzz-failures/}, to be kept as an example-based regression test. The suites are
 * tagged {@code fuzz}: {@code mvn test -Dgroups=fuzz} runs them alone.
 */
package io.histoscale.core.fuzz;
