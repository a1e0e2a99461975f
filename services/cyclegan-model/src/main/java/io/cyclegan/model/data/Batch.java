package io.cyclegan.model.data;

/**
 * One training step's input, prepared on the host.
 *
 * @param a (count, 3, size, size) floats of domain A in [-1, 1]
 * @param b the same for domain B
 * @param count images in the batch (the last batch of an epoch may be smaller)
 * @param size the square image size
 * @param firstSample index in the epoch of the batch's first sample
 */
public record Batch(float[] a, float[] b, int count, int size, int firstSample) {}
