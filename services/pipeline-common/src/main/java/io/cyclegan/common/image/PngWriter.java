package io.cyclegan.common.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A PNG writer for the images the services make themselves (RGB and 8-bit grayscale, whole rasters,
 * or rows from a {@link PngRows}): the pixels read straight from the image's array (or written by
 * the row source into the scanline), every row with PNG's Sub filter (each byte less the same
 * channel of the pixel to its left), one deflate pass, one IDAT chunk. ImageIO's writer at a low
 * deflate level writes unfiltered rows through its generic raster path; on the inference worker's
 * outputs this one took half the CPU and wrote a third fewer bytes (docs/benchmarks.md, "The
 * inference worker's own cost"). Other images are left to ImageIO.
 *
 * <p>The fast mode ({@link #writeFast}) deflates a photograph's rows with Huffman codes only, no
 * search for repeated strings: after the Sub filter such rows hardly repeat, and deflate's fastest
 * level spends most of its time looking for the repeats (about 40% less CPU, within a few percent
 * of the bytes either way, on photographs and on generator outputs). Rows that do repeat (flat
 * areas, a gray image stored as RGB, drawings) are deflated at level 1, where the search pays.
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
    return write(image, (w, h, channels, rows) -> write(w, h, channels, rows, deflateLevel));
  }

  /** Writes the rows of a {@code width} x {@code height} image of {@code channels}. */
  @FunctionalInterface
  private interface RowsWriter {
    byte[] write(int width, int height, int channels, PngRows rows);
  }

  /** {@code writer}'s PNG of {@code image}, or empty when this writer does not read its pixels. */
  private static Optional<byte[]> write(BufferedImage image, RowsWriter writer) {
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
    return Optional.of(writer.write(width, image.getHeight(), channels, rows(image, type, width)));
  }

  /**
   * The PNG bytes of a {@code width} x {@code height} image of {@code channels} (3: RGB, 1: 8-bit
   * grayscale) whose rows {@code rows} gives, at {@code deflateLevel}.
   */
  static byte[] write(int width, int height, int channels, PngRows rows, int deflateLevel) {
    requireChannels(channels);
    return png(
        width,
        height,
        channels,
        subFilteredRows(rows, channels, width, height),
        deflateLevel,
        false);
  }

  /**
   * The PNG bytes of {@code image} in the fast mode, or empty when its type or raster is not one
   * this writer reads.
   */
  static Optional<byte[]> writeFast(BufferedImage image) {
    return write(image, PngWriter::writeFast);
  }

  /**
   * The PNG bytes of a {@code width} x {@code height} image whose rows {@code rows} gives, in the
   * fast mode: Huffman codes only where {@link #rowsRepeat} finds the filtered rows do not repeat,
   * else deflate level 1.
   */
  static byte[] writeFast(int width, int height, int channels, PngRows rows) {
    requireChannels(channels);
    byte[] filtered = subFilteredRows(rows, channels, width, height);
    boolean huffmanOnly = !rowsRepeat(filtered, channels, width, height);
    return png(width, height, channels, filtered, ImageValidator.FAST_DEFLATE_LEVEL, huffmanOnly);
  }

  /**
   * Whether Sub-filtered rows repeat enough for deflate's search for repeated strings to pay,
   * judged on every eighth row (from the second): for RGB, whether a quarter or more of its pixels
   * repeat (their three filtered bytes equal each other, as in gray or flat areas, or equal those
   * of the pixel to the left, as in an even gradient, or of the pixel above); for grayscale,
   * whether 40% or more of its filtered bytes are zero. On the photographs of docs/benchmarks.md
   * ("PNG with Huffman codes only") those shares stay under about 14% for most and reach 31% for
   * dark ones (RGB), and Huffman codes alone write from 7% fewer to 2% more bytes than level 1
   * (RGB) or 1-18% fewer (grayscale). Gray images stored as RGB, even gradients, drawings and
   * bilevel images repeat more (33-100%), and there Huffman codes alone would write up to 11 times
   * more. An image of one row is written at level 1.
   */
  static boolean rowsRepeat(byte[] filtered, int channels, int width, int height) {
    int stride = 1 + channels * width;
    long seen = 0;
    long repeats = 0;
    for (int y = 1; y < height; y += 8) {
      int start = y * stride + 1;
      int end = start + channels * width;
      if (channels == 1) {
        for (int i = start; i < end; i++) {
          if (filtered[i] == 0) {
            repeats++;
          }
        }
        seen += width;
        continue;
      }
      for (int i = start + 3; i < end; i += 3) {
        byte r = filtered[i];
        byte g = filtered[i + 1];
        byte b = filtered[i + 2];
        if ((r == g && g == b)
            || (r == filtered[i - 3] && g == filtered[i - 2] && b == filtered[i - 1])
            || (r == filtered[i - stride]
                && g == filtered[i + 1 - stride]
                && b == filtered[i + 2 - stride])) {
          repeats++;
        }
      }
      seen += width - 1;
    }
    return seen == 0 || (channels == 1 ? repeats * 5 >= seen * 2 : repeats * 4 >= seen);
  }

  /** The PNG file of Sub-filtered rows, deflated at {@code level} or with Huffman codes only. */
  private static byte[] png(
      int width, int height, int channels, byte[] filtered, int level, boolean huffmanOnly) {
    // The file is written into one array sized for deflate's worst case: the signature, IHDR, then
    // IDAT's data compressed in place, its CRC and IEND; one copy to the exact length at the end.
    int idatData = SIGNATURE.length + 25 + 8;
    byte[] out = new byte[idatData + deflateBound(filtered.length) + 4 + 12];
    System.arraycopy(SIGNATURE, 0, out, 0, SIGNATURE.length);
    int at = SIGNATURE.length;
    putInt(out, at, 13);
    putType(out, at + 4, "IHDR");
    putInt(out, at + 8, width);
    putInt(out, at + 12, height);
    out[at + 16] = 8; // bits per sample
    out[at + 17] = (byte) (channels == 1 ? COLOR_GRAY : COLOR_RGB);
    // compression 0 (deflate), filter method 0 (adaptive, per row), no interlace
    putCrc(out, at + 4, 4 + 13);
    putType(out, idatData - 4, "IDAT");
    int length = 0;
    Deflater deflater = new Deflater(level);
    if (huffmanOnly) {
      deflater.setStrategy(Deflater.HUFFMAN_ONLY);
    }
    try {
      deflater.setInput(filtered);
      deflater.finish();
      while (!deflater.finished()) {
        if (idatData + length == out.length - 16) { // never, with the bound; kept safe
          out = Arrays.copyOf(out, 2 * out.length);
        }
        length += deflater.deflate(out, idatData + length, out.length - 16 - idatData - length);
      }
    } finally {
      deflater.end();
    }
    putInt(out, idatData - 8, length);
    putCrc(out, idatData - 4, 4 + length);
    at = idatData + length + 4;
    putInt(out, at, 0);
    putType(out, at + 4, "IEND");
    putCrc(out, at + 4, 4);
    return Arrays.copyOf(out, at + 12);
  }

  /** The rows of a whole-raster image of {@code type}, read straight from its array. */
  private static PngRows rows(BufferedImage image, int type, int width) {
    Raster raster = image.getRaster();
    return switch (type) {
      case BufferedImage.TYPE_INT_RGB -> {
        int[] rgb = ((DataBufferInt) raster.getDataBuffer()).getData();
        yield (y, row, at) -> {
          for (int x = 0, i = y * width; x < width; x++, i++) {
            row[at++] = (byte) (rgb[i] >> 16);
            row[at++] = (byte) (rgb[i] >> 8);
            row[at++] = (byte) rgb[i];
          }
        };
      }
      case BufferedImage.TYPE_3BYTE_BGR -> {
        byte[] bgr = ((DataBufferByte) raster.getDataBuffer()).getData();
        yield (y, row, at) -> {
          for (int x = 0, i = 3 * y * width; x < width; x++, i += 3) {
            row[at++] = bgr[i + 2];
            row[at++] = bgr[i + 1];
            row[at++] = bgr[i];
          }
        };
      }
      default -> {
        byte[] gray = ((DataBufferByte) raster.getDataBuffer()).getData();
        yield (y, row, at) -> System.arraycopy(gray, y * width, row, at, width);
      }
    };
  }

  /**
   * The rows as PNG scanlines with the Sub filter: a filter-type byte, then each byte less the same
   * channel of the pixel to its left (the first pixel as it is).
   */
  private static byte[] subFilteredRows(PngRows rows, int channels, int width, int height) {
    int stride = 1 + channels * width;
    byte[] out = new byte[height * stride];
    for (int y = 0; y < height; y++) {
      int start = y * stride;
      rows.fill(y, out, start + 1);
      out[start] = FILTER_SUB;
      // Right to left, so that each byte's left neighbour is still the raw value.
      for (int i = start + stride - 1; i > start + channels; i--) {
        out[i] -= out[i - channels];
      }
    }
    return out;
  }

  private static void requireChannels(int channels) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, was " + channels);
    }
  }

  /** zlib's {@code compressBound}: the most a zlib stream of {@code n} bytes can take. */
  private static int deflateBound(int n) {
    return n + (n >> 12) + (n >> 14) + (n >> 25) + 13;
  }

  /** A chunk's type, ASCII, at {@code at}. */
  private static void putType(byte[] b, int at, String type) {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, b, at, 4);
  }

  /** The CRC-32 of {@code length} bytes from {@code from} (a chunk's type and data), after them. */
  private static void putCrc(byte[] b, int from, int length) {
    CRC32 crc = new CRC32();
    crc.update(b, from, length);
    putInt(b, from + length, (int) crc.getValue());
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
