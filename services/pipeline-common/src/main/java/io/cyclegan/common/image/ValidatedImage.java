package io.cyclegan.common.image;

/**
 * An image that passed every check: decoded to RGB, metadata gone, re-encoded as PNG.
 *
 * @param sha256 hex SHA-256 of {@code png}, the content address of dataset images
 */
public record ValidatedImage(
    ImageFormat sourceFormat, int width, int height, byte[] png, String sha256) {}
