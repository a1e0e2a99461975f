package io.cyclegan.model.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.WritableRaster;

/**
 * Conversions between images and CHW float pixels in [-1, 1] (the reference Normalize): RGB, or one
 * grayscale channel for the reference's {@code input_nc}/{@code output_nc} 1.
 */
public final class ImageTensors {

  /**
   * {@code b / 127.5f - 1f} for every byte value {@code b}: the same floats as computing it per
   * pixel, without a float division per channel (a third less CPU to read a 256 px image,
   * docs/benchmarks.md).
   */
  private static final float[] NORMALISED = new float[256];

  static {
    for (int b = 0; b < 256; b++) {
      NORMALISED[b] = b / 127.5f - 1f;
    }
  }

  private ImageTensors() {}

  /** The image as (3, H, W) floats in [-1, 1]. */
  public static float[] toChw(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    float[] chw = new float[3 * w * h];
    int plane = w * h;
    // Decoded RGB PNGs and JPEGs are 3-byte BGR: read their bytes, not pixel by pixel through
    // getRGB's colour model (which cost more than the PNG decode itself at 64 px).
    byte[] bgr = packedBytes(image, BufferedImage.TYPE_3BYTE_BGR, 3);
    if (bgr != null) {
      for (int i = 0, j = 0; i < plane; i++, j += 3) {
        chw[i] = NORMALISED[bgr[j + 2] & 0xFF];
        chw[plane + i] = NORMALISED[bgr[j + 1] & 0xFF];
        chw[2 * plane + i] = NORMALISED[bgr[j] & 0xFF];
      }
      return chw;
    }
    int[] argb = packedInts(image);
    if (argb == null) {
      argb = image.getRGB(0, 0, w, h, null, 0, w);
    }
    for (int i = 0; i < plane; i++) {
      int p = argb[i];
      chw[i] = NORMALISED[(p >> 16) & 0xFF];
      chw[plane + i] = NORMALISED[(p >> 8) & 0xFF];
      chw[2 * plane + i] = NORMALISED[p & 0xFF];
    }
    return chw;
  }

  /**
   * The image's own bytes when it is of {@code type} and its raster is exactly its pixels (not a
   * sub-image of a larger one), else null.
   */
  private static byte[] packedBytes(BufferedImage image, int type, int bytesPerPixel) {
    if (image.getType() != type || !wholeRaster(image)) {
      return null;
    }
    DataBuffer buffer = image.getRaster().getDataBuffer();
    if (!(buffer instanceof DataBufferByte bytes)
        || bytes.getNumBanks() != 1
        || bytes.getOffset() != 0
        || bytes.getSize() != image.getWidth() * image.getHeight() * bytesPerPixel) {
      return null;
    }
    return bytes.getData();
  }

  /**
   * The pixels of an {@code INT_RGB} or {@code INT_ARGB} image whose raster is exactly its pixels,
   * as stored (their RGB bits are what {@code getRGB} returns), else null.
   */
  private static int[] packedInts(BufferedImage image) {
    int type = image.getType();
    if ((type != BufferedImage.TYPE_INT_RGB && type != BufferedImage.TYPE_INT_ARGB)
        || !wholeRaster(image)) {
      return null;
    }
    DataBuffer buffer = image.getRaster().getDataBuffer();
    if (!(buffer instanceof DataBufferInt ints)
        || ints.getNumBanks() != 1
        || ints.getOffset() != 0
        || ints.getSize() != image.getWidth() * image.getHeight()) {
      return null;
    }
    return ints.getData();
  }

  private static boolean wholeRaster(BufferedImage image) {
    WritableRaster r = image.getRaster();
    return r.getParent() == null
        && r.getSampleModelTranslateX() == 0
        && r.getSampleModelTranslateY() == 0
        && r.getWidth() == image.getWidth()
        && r.getHeight() == image.getHeight();
  }

  /** (3, H, W) floats in [-1, 1] (clipped) as an RGB image, starting at {@code offset}. */
  public static BufferedImage fromChw(float[] chw, int offset, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int plane = width * height;
    // Written into the image's own pixels: setRGB goes through the colour model pixel by pixel.
    int[] rgb = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < plane; i++) {
      rgb[i] =
          (toByte(chw[offset + i]) << 16)
              | (toByte(chw[offset + plane + i]) << 8)
              | toByte(chw[offset + 2 * plane + i]);
    }
    return image;
  }

  /**
   * One row of a ({@code channels}, H, W) float image in [-1, 1] (clipped) as bytes, the pixels
   * {@link #fromChw(float[], int, int, int, int)} would give it: R, G, B for each pixel of an RGB
   * one, one byte per pixel of a grayscale one.
   *
   * @param offset where the image's first plane starts in {@code chw}
   * @param plane the size of one plane (height x stride)
   * @param stride the floats from one row to the next (at least {@code width}: a padded image's row
   *     is longer than the part to write)
   * @param y the row
   * @param width the pixels to write, from the row's start
   */
  public static void toRow(
      float[] chw,
      int offset,
      int plane,
      int stride,
      int y,
      int width,
      int channels,
      byte[] out,
      int at) {
    int o = offset + y * stride;
    if (channels == 1) {
      for (int x = 0; x < width; x++) {
        out[at + x] = (byte) toByte(chw[o + x]);
      }
      return;
    }
    requireChannels(channels);
    for (int x = 0; x < width; x++, at += 3) {
      out[at] = (byte) toByte(chw[o + x]);
      out[at + 1] = (byte) toByte(chw[o + plane + x]);
      out[at + 2] = (byte) toByte(chw[o + 2 * plane + x]);
    }
  }

  /**
   * The image as ({@code channels}, H, W) floats in [-1, 1]: 3 is {@link #toChw(BufferedImage)}, 1
   * is its luma as PIL's {@code convert('L')} computes it (ITU-R 601-2, {@code (19595 R + 38470 G +
   * 7471 B + 0x8000) >> 16}), which the reference's grayscale domains load.
   */
  public static float[] toChw(BufferedImage image, int channels) {
    if (channels == 3) {
      return toChw(image);
    }
    requireChannels(channels);
    int w = image.getWidth();
    int h = image.getHeight();
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    float[] out = new float[w * h];
    for (int i = 0; i < out.length; i++) {
      out[i] = NORMALISED[luma(argb[i])];
    }
    return out;
  }

  /**
   * ({@code channels}, H, W) floats in [-1, 1] (clipped) from {@code offset}: RGB for 3, an 8-bit
   * grayscale image ({@code TYPE_BYTE_GRAY}, written as a grayscale PNG) for 1.
   */
  public static BufferedImage fromChw(
      float[] chw, int offset, int width, int height, int channels) {
    if (channels == 3) {
      return fromChw(chw, offset, width, height);
    }
    requireChannels(channels);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    byte[] pixels = new byte[width * height];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) toByte(chw[offset + i]);
    }
    image.getRaster().setDataElements(0, 0, width, height, pixels);
    return image;
  }

  /** PIL's {@code L} of an RGB pixel. */
  static int luma(int rgb) {
    int r = (rgb >> 16) & 0xFF;
    int g = (rgb >> 8) & 0xFF;
    int b = rgb & 0xFF;
    return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
  }

  private static void requireChannels(int channels) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, was " + channels);
    }
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

  /**
   * {@code Math.round((clip(v) + 1) * 127.5f)}, the byte nearest the pixel, halves up. For a float
   * {@code s} in [0, 255], {@code s + 0.5} in double precision is exact or (for {@code s} under
   * 2^-28) rounds to less than 1, so truncating it is {@code Math.round}'s {@code floor(s + 0.5)},
   * and NaN gives 0 both ways; without {@code Math.round(float)}'s bit arithmetic (a fifth less CPU
   * to write a 256 px output image, docs/benchmarks.md).
   */
  static int toByte(float v) {
    float scaled = (Math.max(-1f, Math.min(1f, v)) + 1f) * 127.5f;
    return (int) (scaled + 0.5d);
  }
}
