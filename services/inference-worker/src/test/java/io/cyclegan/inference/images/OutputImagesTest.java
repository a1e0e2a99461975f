package io.cyclegan.inference.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.common.image.ImageValidator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutputImagesTest {

  /**
   * The PNG written straight from the floats is the PNG of the cropped image, byte for byte, for
   * the second output of a batch, padded or not, RGB or grayscale.
   */
  @ParameterizedTest(name = "{4} channel(s), {2} x {3} padded to {0} x {1}")
  @CsvSource({
    "20, 16, 17, 13, 3",
    "20, 16, 20, 16, 3",
    "20, 16, 17, 13, 1",
    "8, 8, 8, 8, 1",
    "4, 4, 1, 1, 3",
  })
  void shouldWriteThePngOfTheCroppedImage(int pw, int ph, int w, int h, int channels)
      throws Exception {
    int outPlane = channels * pw * ph;
    float[] batch = outputs(2 * outPlane, 11);

    byte[] direct = OutputImages.png(batch, outPlane, pw, ph, w, h, channels);
    BufferedImage cropped = OutputImages.crop(batch, outPlane, pw, ph, w, h, channels);

    assertThat(direct).isEqualTo(ImageValidator.encodeFastPng(cropped));
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(direct));
    assertThat(back.getWidth()).isEqualTo(w);
    assertThat(back.getHeight()).isEqualTo(h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        assertThat(back.getRGB(x, y)).as("pixel %d,%d", x, y).isEqualTo(cropped.getRGB(x, y));
      }
    }
  }

  /**
   * Generator outputs: mostly in [-1, 1], some beyond it (clipped), some exactly at a half between
   * two bytes (rounded up).
   */
  private static float[] outputs(int n, long seed) {
    Random random = new Random(seed);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] =
          switch (i % 7) {
            case 0 -> -1.3f + 2.6f * random.nextFloat();
            case 1 -> (2 * random.nextInt(255) + 1) / 255f - 1f;
            default -> 2 * random.nextFloat() - 1;
          };
    }
    return out;
  }
}
