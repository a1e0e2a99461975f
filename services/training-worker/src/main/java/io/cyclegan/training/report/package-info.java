/**
 * The human-readable outputs of a job: sample grids, losses.csv and a self-contained report.html.
 */
package io.cyclegan.training.report;
