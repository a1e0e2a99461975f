/**
 * The ingest service: validates untrusted images from Kafka and HTTP, stores them and routes them.
 */
package io.cyclegan.ingest;
