package io.cyclegan.common.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/**
 * Good and bad image bytes for tests; the services' tests get it through pipeline-common's
 * test-jar.
 */
public final class TestImages {
  private TestImages() {}

  public static BufferedImage picture(int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(30, 120, 200));
    g.fillRect(0, 0, width, height);
    g.setColor(Color.ORANGE);
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    return img;
  }

  /** A picture whose colours depend on {@code seed}: distinct seeds give distinct images. */
  public static byte[] png(int width, int height, int seed) {
    BufferedImage img = picture(width, height);
    img.setRGB(0, 0, seed & 0xFFFFFF);
    img.setRGB(width - 1, height - 1, (seed * 31) & 0xFFFFFF);
    return encode(img, "png");
  }

  /** Random pixels, which PNG cannot compress: about {@code 3 * width * height} bytes. */
  public static byte[] noisePng(int width, int height) {
    java.util.Random random = new java.util.Random(width * 31L + height);
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    return encode(img, "png");
  }

  public static byte[] png(int width, int height) {
    return encode(picture(width, height), "png");
  }

  public static byte[] jpeg(int width, int height) {
    return encode(picture(width, height), "jpg");
  }

  public static byte[] gif(int width, int height) {
    return encode(picture(width, height), "gif");
  }

  public static byte[] truncate(byte[] bytes, double keep) {
    return java.util.Arrays.copyOf(bytes, (int) (bytes.length * keep));
  }

  /**
   * A valid PNG header claiming {@code width x height} followed by a tiny compressed stream: a
   * decompression bomb's header, refused before any pixel buffer is allocated.
   */
  public static byte[] pngHeaderOnly(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(width)
        .putInt(height)
        .put((byte) 8)
        .put((byte) 2)
        .put((byte) 0)
        .put((byte) 0)
        .put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    Deflater deflater = new Deflater(9);
    deflater.setInput(new byte[64 * 1024]);
    deflater.finish();
    byte[] buf = new byte[4096];
    int n = deflater.deflate(buf);
    chunk(out, "IDAT", java.util.Arrays.copyOf(buf, n));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    ByteBuffer len = ByteBuffer.allocate(4).putInt(data.length);
    out.writeBytes(len.array());
    byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  private static byte[] encode(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
