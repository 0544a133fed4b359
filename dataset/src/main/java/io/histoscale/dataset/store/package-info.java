/**
 * The sharded patch store: manifest, shards of raw or zstd-compressed patches, a writer that commits whole slides
 * and a lock for concurrent writers.
 */
package io.histoscale.dataset.store;
