package io.cyclegan.inference.images;

/**
 * An input ready for the generator: (3, paddedHeight, paddedWidth) floats in [-1, 1], the image
 * reflection-padded on the right and bottom exactly as the translator pads it.
 *
 * @param width the size the output will have (the input's, or the scaled-down size)
 * @param scaledDown whether the input was larger than the maximum edge
 */
public record PreparedImage(
    float[] chw,
    int width,
    int height,
    int paddedWidth,
    int paddedHeight,
    boolean scaledDown,
    int originalWidth,
    int originalHeight) {}
