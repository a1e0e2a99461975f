/**
 * What to do with one untrusted image and its headers, the same for Kafka records and HTTP uploads.
 */
package io.cyclegan.ingest.routing;
