/**
 * Training patch classifiers: the typed configuration, the one training loop ({@code Trainer}) behind runs,
 * cross-validation, data-parallel ranks and federated fits, run folders with provenance, evaluation and inference.
 */
package io.histoscale.train;
