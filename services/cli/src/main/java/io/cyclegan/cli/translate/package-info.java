/** {@code cyclegan translate}: images out over Kafka, results back, outputs downloaded. */
package io.cyclegan.cli.translate;
