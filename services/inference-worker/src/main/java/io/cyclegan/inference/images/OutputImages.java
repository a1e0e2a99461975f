package io.cyclegan.inference.images;

import io.cyclegan.model.data.ImageTensors;
import java.awt.image.BufferedImage;

/** Crops a generator output back to its input's size and encodes it as PNG. */
public final class OutputImages {
  private OutputImages() {}

  /**
   * The image at {@code offset} of a batch of (3, ph, pw) outputs, cropped to {@code w} x {@code
   * h}.
   */
  public static BufferedImage crop(float[] batch, int offset, int pw, int ph, int w, int h) {
    if (pw == w && ph == h) {
      return ImageTensors.fromChw(batch, offset, w, h);
    }
    float[] chw = new float[3 * w * h];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        System.arraycopy(batch, offset + c * pw * ph + y * pw, chw, c * w * h + y * w, w);
      }
    }
    return ImageTensors.fromChw(chw, 0, w, h);
  }
}
