/**
 * Commands of federated training: {@code pki}, {@code site}, {@code federate} (with {@code compare} and
 * {@code audit}) and its benchmark.
 */
package io.histoscale.cli.federation;
