/**
 * The Camelyon17 vocabulary: slide labels from the largest lesion's diameter and the patient pN stage from them.
 */
package io.histoscale.slide.camelyon;
