/**
 * The poll loop over {@code cyclegan.images.in}: batches, commits after durable outputs, error
 * triage.
 */
package io.cyclegan.ingest.consumer;
