/** The ingest service's Prometheus metrics, named with their base units. */
package io.cyclegan.ingest.metrics;
