/**
 * The checkpoint file: a JSON header and named float sections, written atomically.
 */
package io.histoscale.train.checkpoint;
