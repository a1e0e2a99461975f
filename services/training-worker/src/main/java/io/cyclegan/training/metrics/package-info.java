/** The Prometheus meters of the training worker (cyclegan_training_*). */
package io.cyclegan.training.metrics;
