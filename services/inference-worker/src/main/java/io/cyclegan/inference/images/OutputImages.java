package io.cyclegan.inference.images;

import io.cyclegan.common.image.ImageValidator;
import io.cyclegan.model.data.ImageTensors;
import java.awt.image.BufferedImage;

/** Crops a generator output (RGB or grayscale) back to its input's size. */
public final class OutputImages {
  private OutputImages() {}

  /**
   * The image at {@code offset} of a batch of (3, ph, pw) outputs, cropped to {@code w} x {@code
   * h}.
   */
  public static BufferedImage crop(float[] batch, int offset, int pw, int ph, int w, int h) {
    return crop(batch, offset, pw, ph, w, h, 3);
  }

  /**
   * The image at {@code offset} of a batch of ({@code channels}, ph, pw) outputs, cropped to {@code
   * w} x {@code h}: RGB for 3 channels, 8-bit grayscale (encoded as a grayscale PNG) for 1.
   */
  public static BufferedImage crop(
      float[] batch, int offset, int pw, int ph, int w, int h, int channels) {
    if (pw == w && ph == h) {
      return ImageTensors.fromChw(batch, offset, w, h, channels);
    }
    float[] chw = new float[channels * w * h];
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < h; y++) {
        System.arraycopy(batch, offset + c * pw * ph + y * pw, chw, c * w * h + y * w, w);
      }
    }
    return ImageTensors.fromChw(chw, 0, w, h, channels);
  }

  /**
   * The PNG bytes of {@code crop}'s image: the same bytes as {@code
   * ImageValidator.encodeFastPng(crop(...))}, written from the floats row by row without the image
   * in between (an RGB image's pixels are written once and read once less).
   */
  public static byte[] png(float[] batch, int offset, int pw, int ph, int w, int h, int channels) {
    int plane = pw * ph;
    return ImageValidator.encodeFastPng(
        w,
        h,
        channels,
        (y, row, at) -> ImageTensors.toRow(batch, offset, plane, pw, y, w, channels, row, at));
  }
}
