/**
 * From slides to a patient's stage: whole-slide inference into heatmaps, lesions in millimetres, slide labels,
 * pN stages, agreement (kappa) and the HTML report.
 */
package io.histoscale.staging;
