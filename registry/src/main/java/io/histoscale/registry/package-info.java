/**
 * The run registry: every tile, train, stage and federate run recorded in an SQLite file or a PostgreSQL database,
 * whose schema Flyway keeps up to date. {@link io.histoscale.registry.RunRegistry} records runs;
 * {@link io.histoscale.registry.RunQueries} reads them (by {@link io.histoscale.registry.RunFilter}, one at a time,
 * their metrics, counts by status).
 *
 * <p>Thread-safety: {@code RunQueries} may be shared by any number of threads; each call reads one committed state
 * on a read-only connection of its own. A {@code RunRegistry} holds one connection and is for one thread at a time;
 * several processes and registries may record into one file at once. {@code Run}, {@code RunTask},
 * {@code RunFilter} and {@code RunMetrics} are values, and the collections in what the registry returns are
 * unmodifiable.
 */
package io.histoscale.registry;
