package io.cyclegan.common.image;

/**
 * The pixel rows of an image to write as a PNG ({@link ImageValidator#encodePng(int, int, int,
 * PngRows, int)}), one at a time, so that a writer can take them from wherever they are (a
 * generator's float output) without an image in between.
 */
@FunctionalInterface
public interface PngRows {
  /**
   * Writes row {@code y}'s samples into {@code row} from {@code at}: for RGB, width x 3 bytes in R,
   * G, B order; for grayscale, width bytes.
   */
  void fill(int y, byte[] row, int at);
}
