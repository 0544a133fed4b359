/**
 * Automated model search: a {@link io.histoscale.search.space.SearchSpace} of training settings and architecture
 * genes, samplers that propose trials ({@link io.histoscale.search.sampler.Sampler}), schedulers that stop poor
 * trials early ({@link io.histoscale.search.scheduler.Scheduler}), and studies kept in the run registry so that many
 * workers on many nodes share one and a killed driver loses nothing.
 */
package io.histoscale.search;
