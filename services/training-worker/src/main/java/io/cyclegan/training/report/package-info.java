/** The human-readable outputs of a job: losses.csv and a self-contained report.html. */
package io.cyclegan.training.report;
