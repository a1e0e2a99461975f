/**
 * The HTTP API for people who do not speak Kafka; uploads go through the same processor as records.
 */
package io.cyclegan.ingest.http;
