package io.cyclegan.model.data;

import io.cyclegan.model.SplitMix64;
import java.awt.image.BufferedImage;

/**
 * The reference training transform: the {@link Preprocess} resize (by default {@code
 * resize_and_crop}: bicubic resize to a {@code loadSize} square), a random {@code imageSize} crop,
 * a horizontal flip with probability 1/2 when {@code flip}, and scaling to [-1, 1].
 *
 * @param loadSize the official {@code load_size}
 * @param imageSize the crop
 * @param preprocess the resize before the crop
 * @param flip whether to flip at random (the official {@code no_flip}, inverted)
 */
public record Augmentation(int loadSize, int imageSize, Preprocess preprocess, boolean flip) {

  /** Validates that the crop fits. */
  public Augmentation {
    if (imageSize < 1 || loadSize < imageSize) {
      throw new IllegalArgumentException(
          "need 1 <= imageSize <= loadSize, was imageSize " + imageSize + ", loadSize " + loadSize);
    }
  }

  /** The official defaults: {@code resize_and_crop} with flips. */
  public Augmentation(int loadSize, int imageSize) {
    this(loadSize, imageSize, Preprocess.RESIZE_AND_CROP, true);
  }

  /** The augmented image as (3, imageSize, imageSize) floats, all choices drawn from random. */
  public float[] apply(BufferedImage image, SplitMix64 random) {
    return apply(image, random, 3);
  }

  /**
   * The augmented image as ({@code channels}, imageSize, imageSize) floats (1: grayscale), all
   * choices drawn from random.
   */
  public float[] apply(BufferedImage image, SplitMix64 random, int channels) {
    BufferedImage resized = new Sizing(preprocess, loadSize, imageSize).beforeTrainingCrop(image);
    int width = resized.getWidth();
    int height = resized.getHeight();
    // The same three draws whatever the choices, so a seed's stream does not shift with them.
    int x = random.nextIntInclusive(0, width - imageSize);
    int y = random.nextIntInclusive(0, height - imageSize);
    boolean flipped = random.nextDouble() < 0.5 && flip;
    float[] full = ImageTensors.toChw(resized, channels);
    float[] out = new float[channels * imageSize * imageSize];
    for (int c = 0; c < channels; c++) {
      for (int row = 0; row < imageSize; row++) {
        int src = (c * height + y + row) * width + x;
        int dst = (c * imageSize + row) * imageSize;
        for (int col = 0; col < imageSize; col++) {
          out[dst + col] = full[src + (flipped ? imageSize - 1 - col : col)];
        }
      }
    }
    return out;
  }
}
