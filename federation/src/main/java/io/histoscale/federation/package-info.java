/**
 * Training across hospitals without moving data: the plan, the partition of a dataset over simulated sites, the
 * held-out scoring and the strategy comparison.
 */
package io.histoscale.federation;
