package io.cyclegan.model.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Conversions between RGB images and CHW float pixels in [-1, 1] (the reference Normalize). */
public final class ImageTensors {

  private ImageTensors() {}

  /** The image as (3, H, W) floats in [-1, 1]. */
  public static float[] toChw(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    float[] chw = new float[3 * w * h];
    int plane = w * h;
    for (int i = 0; i < plane; i++) {
      int p = argb[i];
      chw[i] = ((p >> 16) & 0xFF) / 127.5f - 1f;
      chw[plane + i] = ((p >> 8) & 0xFF) / 127.5f - 1f;
      chw[2 * plane + i] = (p & 0xFF) / 127.5f - 1f;
    }
    return chw;
  }

  /**
   * The image as ({@code channels}, H, W) floats in [-1, 1]: RGB for 3, and for 1 the luma PIL's
   * {@code convert('L')} computes (ITU-R 601-2, its fixed-point rounding), as the official dataset
   * does for a 1-channel domain.
   */
  public static float[] toChw(BufferedImage image, int channels) {
    if (channels == 3) {
      return toChw(image);
    }
    if (channels != 1) {
      throw new IllegalArgumentException("channels must be 1 or 3, was " + channels);
    }
    int w = image.getWidth();
    int h = image.getHeight();
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    float[] out = new float[w * h];
    for (int i = 0; i < out.length; i++) {
      out[i] = luma(argb[i]) / 127.5f - 1f;
    }
    return out;
  }

  /** PIL's L of an RGB pixel: (R 19595 + G 38470 + B 7471 + 2^15) >> 16. */
  static int luma(int rgb) {
    return (((rgb >> 16) & 0xFF) * 19595
            + ((rgb >> 8) & 0xFF) * 38470
            + (rgb & 0xFF) * 7471
            + 0x8000)
        >> 16;
  }

  /**
   * ({@code channels}, H, W) floats in [-1, 1] (clipped) as an RGB image, starting at {@code
   * offset}; one channel becomes a gray image.
   */
  public static BufferedImage fromChw(
      float[] chw, int offset, int width, int height, int channels) {
    if (channels == 3) {
      return fromChw(chw, offset, width, height);
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int plane = width * height;
    int[] rgb = new int[plane];
    for (int i = 0; i < plane; i++) {
      int v = toByte(chw[offset + i]);
      rgb[i] = (v << 16) | (v << 8) | v;
    }
    image.setRGB(0, 0, width, height, rgb, 0, width);
    return image;
  }

  /** (3, H, W) floats in [-1, 1] (clipped) as an RGB image, starting at {@code offset}. */
  public static BufferedImage fromChw(float[] chw, int offset, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int plane = width * height;
    int[] rgb = new int[plane];
    for (int i = 0; i < plane; i++) {
      rgb[i] =
          (toByte(chw[offset + i]) << 16)
              | (toByte(chw[offset + plane + i]) << 8)
              | toByte(chw[offset + 2 * plane + i]);
    }
    image.setRGB(0, 0, width, height, rgb, 0, width);
    return image;
  }

  /** Resizes with bicubic interpolation (the reference uses PIL's BICUBIC). */
  public static BufferedImage resizeBicubic(BufferedImage image, int width, int height) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(image, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  private static int toByte(float v) {
    float clipped = Math.max(-1f, Math.min(1f, v));
    return Math.round((clipped + 1f) * 127.5f);
  }
}
