/** Grouping requests into batches by model, version, direction and padded size. */
package io.cyclegan.inference.batching;
