package io.cyclegan.model.data;

import io.cyclegan.model.SplitMix64;
import java.awt.image.BufferedImage;

/**
 * The reference training transform ({@code preprocess='resize_and_crop'}, flips on): bicubic resize
 * to a {@code loadSize} square, a random {@code imageSize} crop, a horizontal flip with probability
 * 1/2, and scaling to [-1, 1].
 *
 * @param loadSize the square the image is resized to
 * @param imageSize the crop
 */
public record Augmentation(int loadSize, int imageSize) {

  /** Validates that the crop fits. */
  public Augmentation {
    if (imageSize < 1 || loadSize < imageSize) {
      throw new IllegalArgumentException(
          "need 1 <= imageSize <= loadSize, was imageSize " + imageSize + ", loadSize " + loadSize);
    }
  }

  /** The augmented image as (3, imageSize, imageSize) floats, all choices drawn from random. */
  public float[] apply(BufferedImage image, SplitMix64 random) {
    BufferedImage resized =
        image.getWidth() == loadSize
                && image.getHeight() == loadSize
                && image.getType() == BufferedImage.TYPE_INT_RGB
            ? image
            : ImageTensors.resizeBicubic(image, loadSize, loadSize);
    int x = random.nextIntInclusive(0, loadSize - imageSize);
    int y = random.nextIntInclusive(0, loadSize - imageSize);
    boolean flip = random.nextDouble() < 0.5;
    float[] full = ImageTensors.toChw(resized);
    float[] out = new float[3 * imageSize * imageSize];
    for (int c = 0; c < 3; c++) {
      for (int row = 0; row < imageSize; row++) {
        int src = (c * loadSize + y + row) * loadSize + x;
        int dst = (c * imageSize + row) * imageSize;
        for (int col = 0; col < imageSize; col++) {
          out[dst + col] = full[src + (flip ? imageSize - 1 - col : col)];
        }
      }
    }
    return out;
  }
}
