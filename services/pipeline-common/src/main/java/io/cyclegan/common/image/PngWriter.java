package io.cyclegan.common.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A PNG writer for the images the services make themselves (RGB and 8-bit grayscale, whole
 * rasters): the pixels read straight from the image's array, every row with PNG's Sub filter (each
 * byte less the same channel of the pixel to its left), one deflate pass, one IDAT chunk. ImageIO's
 * writer at a low deflate level writes unfiltered rows through its generic raster path; on the
 * inference worker's outputs this one took half the CPU and wrote a third fewer bytes
 * (docs/benchmarks.md, "The inference worker's own cost"). Other images are left to ImageIO.
 */
final class PngWriter {
  private static final byte[] SIGNATURE = {(byte) 137, 80, 78, 71, 13, 10, 26, 10};
  private static final int COLOR_GRAY = 0;
  private static final int COLOR_RGB = 2;
  private static final int FILTER_SUB = 1;

  private PngWriter() {}

  /**
   * The PNG bytes of {@code image} at {@code deflateLevel}, or empty when its type or raster is not
   * one this writer reads (then ImageIO's writer is the one to use).
   */
  static Optional<byte[]> write(BufferedImage image, int deflateLevel) {
    int type = image.getType();
    if (type != BufferedImage.TYPE_INT_RGB
        && type != BufferedImage.TYPE_3BYTE_BGR
        && type != BufferedImage.TYPE_BYTE_GRAY) {
      return Optional.empty();
    }
    int channels = type == BufferedImage.TYPE_BYTE_GRAY ? 1 : 3;
    if (!wholeRaster(image, channels)) {
      return Optional.empty();
    }
    int width = image.getWidth();
    int height = image.getHeight();
    int stride = 1 + channels * width;
    byte[] rows = new byte[height * stride];
    Raster raster = image.getRaster();
    switch (type) {
      case BufferedImage.TYPE_INT_RGB -> {
        int[] rgb = ((DataBufferInt) raster.getDataBuffer()).getData();
        for (int y = 0; y < height; y++) {
          int o = y * stride + 1;
          for (int x = 0, i = y * width; x < width; x++, i++) {
            rows[o++] = (byte) (rgb[i] >> 16);
            rows[o++] = (byte) (rgb[i] >> 8);
            rows[o++] = (byte) rgb[i];
          }
        }
      }
      case BufferedImage.TYPE_3BYTE_BGR -> {
        byte[] bgr = ((DataBufferByte) raster.getDataBuffer()).getData();
        for (int y = 0; y < height; y++) {
          int o = y * stride + 1;
          for (int x = 0, i = 3 * y * width; x < width; x++, i += 3) {
            rows[o++] = bgr[i + 2];
            rows[o++] = bgr[i + 1];
            rows[o++] = bgr[i];
          }
        }
      }
      default -> {
        byte[] gray = ((DataBufferByte) raster.getDataBuffer()).getData();
        for (int y = 0; y < height; y++) {
          System.arraycopy(gray, y * width, rows, y * stride + 1, width);
        }
      }
    }
    for (int y = 0; y < height; y++) {
      int start = y * stride;
      rows[start] = FILTER_SUB;
      // Right to left, so that each byte's left neighbour is still the raw value.
      for (int i = start + stride - 1; i > start + channels; i--) {
        rows[i] -= rows[i - channels];
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(rows.length / 2 + 64);
    out.writeBytes(SIGNATURE);
    byte[] header = new byte[13];
    putInt(header, 0, width);
    putInt(header, 4, height);
    header[8] = 8; // bits per sample
    header[9] = (byte) (channels == 1 ? COLOR_GRAY : COLOR_RGB);
    // compression 0 (deflate), filter method 0 (adaptive, per row), no interlace
    chunk(out, "IHDR", header, header.length);
    Deflater deflater = new Deflater(deflateLevel);
    try {
      deflater.setInput(rows);
      deflater.finish();
      byte[] compressed = new byte[Math.max(64, rows.length / 2)];
      int length = 0;
      while (!deflater.finished()) {
        if (length == compressed.length) {
          compressed = Arrays.copyOf(compressed, 2 * compressed.length);
        }
        length += deflater.deflate(compressed, length, compressed.length - length);
      }
      chunk(out, "IDAT", compressed, length);
    } finally {
      deflater.end();
    }
    chunk(out, "IEND", new byte[0], 0);
    return Optional.of(out.toByteArray());
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data, int length) {
    byte[] prefix = new byte[8];
    putInt(prefix, 0, length);
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, prefix, 4, 4);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data, 0, length);
    byte[] suffix = new byte[4];
    putInt(suffix, 0, (int) crc.getValue());
    out.writeBytes(prefix);
    out.write(data, 0, length);
    out.writeBytes(suffix);
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  /**
   * Whether the image's pixels are its data buffer's whole array, row after row with no gap, in the
   * standard layout of its type (as a {@code new BufferedImage(w, h, type)} has them).
   */
  private static boolean wholeRaster(BufferedImage image, int channels) {
    Raster r = image.getRaster();
    if (r.getParent() != null
        || r.getSampleModelTranslateX() != 0
        || r.getSampleModelTranslateY() != 0
        || r.getWidth() != image.getWidth()
        || r.getHeight() != image.getHeight()
        || r.getDataBuffer().getNumBanks() != 1
        || r.getDataBuffer().getOffset() != 0) {
      return false;
    }
    int width = image.getWidth();
    if (r.getSampleModel() instanceof SinglePixelPackedSampleModel m) {
      return channels == 3 && m.getScanlineStride() == width;
    }
    if (r.getSampleModel() instanceof PixelInterleavedSampleModel m) {
      int[] bands = m.getBandOffsets();
      boolean standard = channels == 1 ? bands[0] == 0 : Arrays.equals(bands, new int[] {2, 1, 0});
      return standard
          && m.getPixelStride() == channels
          && m.getScanlineStride() == channels * width;
    }
    return false;
  }
}
