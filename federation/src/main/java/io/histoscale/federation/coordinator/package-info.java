/**
 * The coordinator: admits a plan's sites over mutual TLS, runs the strategy round by round under a fault policy,
 * checkpoints each round and scores the result.
 */
package io.histoscale.federation.coordinator;
