package io.cyclegan.model.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The raster fast paths of {@link ImageTensors} give exactly what the per-pixel path through {@code
 * getRGB}/{@code setRGB} gives, for every image type and for sub-images sharing a larger raster.
 */
class ImageTensorsTest {
  private static final int[] TYPES = {
    BufferedImage.TYPE_3BYTE_BGR,
    BufferedImage.TYPE_INT_RGB,
    BufferedImage.TYPE_INT_ARGB,
    BufferedImage.TYPE_4BYTE_ABGR,
    BufferedImage.TYPE_BYTE_GRAY,
    BufferedImage.TYPE_USHORT_565_RGB
  };

  @Test
  void shouldReadEveryImageTypeAsGetRgbDoes() {
    for (int type : TYPES) {
      BufferedImage image = noise(37, 23, type, type);

      assertThat(ImageTensors.toChw(image)).as("type %d", type).isEqualTo(viaGetRgb(image));
    }
  }

  @Test
  void shouldReadASubImageOfALargerRasterAsGetRgbDoes() {
    for (int type : TYPES) {
      BufferedImage sub = noise(40, 30, type, 100 + type).getSubimage(3, 5, 31, 17);

      assertThat(ImageTensors.toChw(sub)).as("type %d", type).isEqualTo(viaGetRgb(sub));
    }
  }

  @Test
  void shouldWriteTheSamePixelsAsSetRgbWithClipping() {
    Random random = new Random(11);
    int w = 29;
    int h = 13;
    float[] chw = new float[5 + 3 * w * h];
    for (int i = 0; i < chw.length; i++) {
      chw[i] = random.nextFloat() * 2.4f - 1.2f; // beyond [-1, 1] on both sides
    }

    BufferedImage image = ImageTensors.fromChw(chw, 5, w, h);

    assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    assertThat(image.getRGB(0, 0, w, h, null, 0, w)).isEqualTo(viaSetRgb(chw, 5, w, h));
  }

  @Test
  void shouldRoundTripPixelsExactly() {
    BufferedImage image = noise(16, 9, BufferedImage.TYPE_3BYTE_BGR, 5);

    BufferedImage back = ImageTensors.fromChw(ImageTensors.toChw(image), 0, 16, 9);

    assertThat(back.getRGB(0, 0, 16, 9, null, 0, 16))
        .isEqualTo(image.getRGB(0, 0, 16, 9, null, 0, 16));
  }

  @Test
  void shouldRoundEveryFloatNearAHalfAsMathRoundDoes() {
    // A thousand floats either side of each value that scales to k + 0.5, the only places where
    // truncating the double sum could differ from Math.round; then the special values.
    for (int k = -1; k <= 256; k++) {
      float v = (k + 0.5f) / 127.5f - 1f;
      float below = v;
      float above = v;
      for (int i = 0; i < 1000; i++) {
        below = Math.nextDown(below);
        above = Math.nextUp(above);
        assertThat(ImageTensors.toByte(below)).as("%s", below).isEqualTo(byteOf(below));
        assertThat(ImageTensors.toByte(above)).as("%s", above).isEqualTo(byteOf(above));
      }
      assertThat(ImageTensors.toByte(v)).as("%s", v).isEqualTo(byteOf(v));
    }
    float[] special = {
      Float.NaN,
      Float.NEGATIVE_INFINITY,
      Float.POSITIVE_INFINITY,
      -0f,
      0f,
      Float.MIN_VALUE,
      -Float.MIN_VALUE,
      Float.MAX_VALUE,
      -Float.MAX_VALUE,
      -1f,
      1f,
      Math.nextUp(-1f)
    };
    for (float v : special) {
      assertThat(ImageTensors.toByte(v)).as("%s", v).isEqualTo(byteOf(v));
    }
  }

  private static BufferedImage noise(int w, int h, int type, long seed) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(w, h, type);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, random.nextInt());
      }
    }
    return image;
  }

  /** The conversion before the fast paths: every pixel through {@code getRGB}. */
  private static float[] viaGetRgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    int plane = w * h;
    float[] chw = new float[3 * plane];
    for (int i = 0; i < plane; i++) {
      chw[i] = ((argb[i] >> 16) & 0xFF) / 127.5f - 1f;
      chw[plane + i] = ((argb[i] >> 8) & 0xFF) / 127.5f - 1f;
      chw[2 * plane + i] = (argb[i] & 0xFF) / 127.5f - 1f;
    }
    return chw;
  }

  /** The conversion before the fast path: {@code setRGB} on a new {@code INT_RGB} image. */
  private static int[] viaSetRgb(float[] chw, int offset, int w, int h) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int plane = w * h;
    int[] rgb = new int[plane];
    for (int i = 0; i < plane; i++) {
      rgb[i] =
          (byteOf(chw[offset + i]) << 16)
              | (byteOf(chw[offset + plane + i]) << 8)
              | byteOf(chw[offset + 2 * plane + i]);
    }
    image.setRGB(0, 0, w, h, rgb, 0, w);
    return image.getRGB(0, 0, w, h, null, 0, w);
  }

  private static int byteOf(float v) {
    return Math.round((Math.max(-1f, Math.min(1f, v)) + 1f) * 127.5f);
  }
}
