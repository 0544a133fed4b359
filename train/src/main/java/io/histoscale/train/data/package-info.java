/**
 * Feeding the network: the sample order of each epoch and the batch loader that prepares batches ahead on worker
 * threads.
 */
package io.histoscale.train.data;
