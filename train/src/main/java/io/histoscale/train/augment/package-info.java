/**
 * What happens to a patch before the network: shrinking and cropping, flips and rotations, HED and colour jitter,
 * Macenko stain normalisation.
 */
package io.histoscale.train.augment;
