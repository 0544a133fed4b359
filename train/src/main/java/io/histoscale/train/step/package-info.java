/**
 * One training step and its parts: the flat-buffer optimiser, gradient hooks (averaging over ranks, the proximal
 * term).
 */
package io.histoscale.train.step;
