/**
 * The sharded patch store: manifest, shards of raw or zstd-compressed patches, a writer that commits whole slides
 * and a lock for concurrent writers. A store records the tiling options its patches are cut with and knows its
 * slides by a fingerprint of their files; {@link io.histoscale.dataset.store.StoreVerifier} checks it whole.
 */
package io.histoscale.dataset.store;
