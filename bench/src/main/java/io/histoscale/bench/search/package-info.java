/** {@code histoscale bench search}: the samplers' simple regret on standard test functions against Optuna's. */
package io.histoscale.bench.search;
