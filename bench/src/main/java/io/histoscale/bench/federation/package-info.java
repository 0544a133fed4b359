/**
 * What federation costs per round: FedAvg between a coordinator and a real site process over loopback mutual TLS,
 * overhead (round time minus training time) against the goal of 5 % of the training time, which stands in as the
 * peer, measured in the same run.
 */
package io.histoscale.bench.federation;
