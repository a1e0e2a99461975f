/**
 * What the store holds, read back for people: datasets with their counts, models with their newest
 * version.
 */
package io.cyclegan.ingest.catalog;
