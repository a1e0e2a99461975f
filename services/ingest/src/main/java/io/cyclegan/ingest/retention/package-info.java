/** Retention: the bounded background sweep of old translation requests and results. */
package io.cyclegan.ingest.retention;
