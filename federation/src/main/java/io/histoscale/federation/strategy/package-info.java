/**
 * Federated strategies as pure functions of round, state and sites, registered as
 * {@link io.histoscale.federation.strategy.StrategyFactory} services; each parses its own settings and describes
 * every site's task as a config map.
 */
package io.histoscale.federation.strategy;
