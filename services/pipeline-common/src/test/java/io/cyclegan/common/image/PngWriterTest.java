package io.cyclegan.common.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PngWriterTest {

  @ParameterizedTest(name = "type {0}, {1} x {2}")
  @CsvSource({
    "1, 1, 1",
    "1, 2, 1",
    "1, 3, 5",
    "1, 64, 64",
    "1, 257, 13",
    "5, 1, 1",
    "5, 3, 5",
    "5, 64, 64",
    "5, 257, 13",
    "10, 1, 1",
    "10, 3, 5",
    "10, 64, 64",
    "10, 257, 13",
  })
  void shouldDecodeToTheSamePixels(int type, int width, int height) throws IOException {
    BufferedImage original = random(type, width, height, 7);

    byte[] png = PngWriter.write(original, ImageValidator.FAST_DEFLATE_LEVEL).orElseThrow();
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));

    assertThat(back.getWidth()).isEqualTo(width);
    assertThat(back.getHeight()).isEqualTo(height);
    assertThat(back.getColorModel().getNumComponents())
        .isEqualTo(original.getColorModel().getNumComponents());
    assertThat(samples(back)).isEqualTo(samples(original));
  }

  @Test
  void shouldWriteChunksWhoseLengthsAndChecksumsAreRight() {
    // ImageIO's reader does not check CRCs; browsers and PIL do.
    for (int type :
        new int[] {
          BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_BYTE_GRAY
        }) {
      byte[] png = PngWriter.write(random(type, 31, 17, 3), 6).orElseThrow();

      List<String> chunks = chunks(png);

      assertThat(chunks).containsExactly("IHDR", "IDAT", "IEND");
      // IHDR: 8-bit samples, colour type 2 (RGB) or 0 (grayscale).
      assertThat(png[8 + 8 + 8]).isEqualTo((byte) 8);
      assertThat(png[8 + 8 + 9]).isEqualTo((byte) (type == BufferedImage.TYPE_BYTE_GRAY ? 0 : 2));
    }
  }

  @Test
  void shouldDecodeToTheSamePixelsAtEveryDeflateLevel() throws IOException {
    BufferedImage original = TestImages.picture(40, 30);
    for (int level = 0; level <= 9; level++) {
      byte[] png = PngWriter.write(original, level).orElseThrow();
      assertThat(samples(ImageIO.read(new ByteArrayInputStream(png))))
          .as("level %d", level)
          .isEqualTo(samples(original));
    }
  }

  @Test
  void shouldLeaveOtherImagesToImageIo() throws IOException {
    BufferedImage argb = new BufferedImage(9, 7, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(2, 3, 0x80FF0000);
    BufferedImage part = random(BufferedImage.TYPE_INT_RGB, 20, 20, 5).getSubimage(3, 4, 10, 8);

    assertThat(PngWriter.write(argb, 1)).isEmpty();
    assertThat(PngWriter.write(part, 1)).isEmpty();
    // ...and the encoder still writes them whole, through ImageIO.
    BufferedImage argbBack =
        ImageIO.read(new ByteArrayInputStream(ImageValidator.encodePng(argb, 1)));
    BufferedImage partBack =
        ImageIO.read(new ByteArrayInputStream(ImageValidator.encodePng(part, 1)));
    assertThat(argbBack.getRGB(2, 3)).isEqualTo(0x80FF0000);
    assertThat(samples(partBack)).isEqualTo(samples(part));
  }

  @Test
  void shouldWriteRowsFromASourceAsTheSameImageIsWritten() {
    for (int type :
        new int[] {
          BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_BYTE_GRAY
        }) {
      BufferedImage image = random(type, 37, 11, 9);
      int channels = type == BufferedImage.TYPE_BYTE_GRAY ? 1 : 3;
      PngRows rows =
          (y, row, at) -> {
            for (int x = 0; x < image.getWidth(); x++) {
              if (channels == 1) {
                row[at++] = (byte) image.getRaster().getSample(x, y, 0);
              } else {
                int rgb = image.getRGB(x, y);
                row[at++] = (byte) (rgb >> 16);
                row[at++] = (byte) (rgb >> 8);
                row[at++] = (byte) rgb;
              }
            }
          };

      assertThat(ImageValidator.encodePng(37, 11, channels, rows, 1))
          .as("type %d", type)
          .isEqualTo(PngWriter.write(image, 1).orElseThrow());
    }
  }

  @ParameterizedTest(name = "type {0}")
  @CsvSource({"1", "5", "10"})
  void shouldWriteAPhotographsRowsWithHuffmanCodesOnlyInTheFastMode(int type) throws IOException {
    BufferedImage photo = photo(type, 96, 64, false, 12);

    byte[] fast = PngWriter.writeFast(photo).orElseThrow();
    byte[] level1 = PngWriter.write(photo, ImageValidator.FAST_DEFLATE_LEVEL).orElseThrow();

    assertThat(samples(ImageIO.read(new ByteArrayInputStream(fast)))).isEqualTo(samples(photo));
    assertThat(chunks(fast)).containsExactly("IHDR", "IDAT", "IEND");
    // Not level 1's stream: deflate without the search for repeated strings...
    assertThat(fast).isNotEqualTo(level1);
    // ...and, where rows hardly repeat, about as small.
    assertThat(fast.length).isLessThanOrEqualTo(level1.length * 21 / 20);
  }

  @Test
  void shouldWriteRowsThatRepeatAtLevelOneInTheFastMode() throws IOException {
    BufferedImage flat = TestImages.picture(96, 64); // two flat colours
    BufferedImage gradient = photo(BufferedImage.TYPE_INT_RGB, 96, 64, false, 1); // no noise
    BufferedImage grayAsRgb = photo(BufferedImage.TYPE_INT_RGB, 96, 64, true, 12);
    BufferedImage bilevel = new BufferedImage(96, 64, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 96; x++) {
        bilevel.getRaster().setSample(x, y, 0, (x / 8 + y / 8) % 2 == 0 ? 0 : 255);
      }
    }
    for (BufferedImage image : List.of(flat, gradient, grayAsRgb, bilevel)) {
      byte[] fast = PngWriter.writeFast(image).orElseThrow();

      assertThat(fast)
          .isEqualTo(PngWriter.write(image, ImageValidator.FAST_DEFLATE_LEVEL).orElseThrow());
      assertThat(samples(ImageIO.read(new ByteArrayInputStream(fast)))).isEqualTo(samples(image));
    }
  }

  @Test
  void shouldWriteRowsFromASourceAsTheSameImageIsWrittenInTheFastMode() {
    BufferedImage photo = photo(BufferedImage.TYPE_INT_RGB, 40, 24, false, 12);
    PngRows rows =
        (y, row, at) -> {
          for (int x = 0; x < photo.getWidth(); x++) {
            int rgb = photo.getRGB(x, y);
            row[at++] = (byte) (rgb >> 16);
            row[at++] = (byte) (rgb >> 8);
            row[at++] = (byte) rgb;
          }
        };

    assertThat(ImageValidator.encodeFastPng(40, 24, 3, rows))
        .isEqualTo(ImageValidator.encodeFastPng(photo))
        .isEqualTo(PngWriter.writeFast(photo).orElseThrow());
  }

  @Test
  void shouldLeaveOtherImagesToImageIoInTheFastMode() throws IOException {
    BufferedImage argb = new BufferedImage(9, 7, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(2, 3, 0x80FF0000);

    assertThat(PngWriter.writeFast(argb)).isEmpty();
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(ImageValidator.encodeFastPng(argb)));
    assertThat(back.getRGB(2, 3)).isEqualTo(0x80FF0000);
  }

  /**
   * Smooth gradients with noise from 0 to {@code noise - 1} in every channel, as a photograph or a
   * generator's output has them (1: none, an even gradient); with {@code gray}, the same in all
   * three channels.
   */
  private static BufferedImage photo(int type, int width, int height, boolean gray, int noise) {
    Random random = new Random(11);
    BufferedImage image = new BufferedImage(width, height, type);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = (40 + 2 * x + random.nextInt(noise)) & 0xFF;
        int g = gray ? r : (90 + 3 * y + random.nextInt(noise)) & 0xFF;
        int b = gray ? r : (10 + x + y + random.nextInt(noise)) & 0xFF;
        if (type == BufferedImage.TYPE_BYTE_GRAY) {
          image.getRaster().setSample(x, y, 0, r);
        } else {
          image.setRGB(x, y, (r << 16) | (g << 8) | b);
        }
      }
    }
    return image;
  }

  private static BufferedImage random(int type, int width, int height, long seed) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(width, height, type);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        if (type == BufferedImage.TYPE_BYTE_GRAY) {
          image.getRaster().setSample(x, y, 0, random.nextInt(256));
        } else {
          image.setRGB(x, y, random.nextInt(1 << 24));
        }
      }
    }
    return image;
  }

  /** Every sample of every pixel, band by band, as the raster holds them. */
  private static int[] samples(BufferedImage image) {
    int bands = image.getRaster().getNumBands();
    if (bands == 1) {
      return image
          .getRaster()
          .getSamples(0, 0, image.getWidth(), image.getHeight(), 0, (int[]) null);
    }
    return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
  }

  /** The chunk types in order, each checked for its length and CRC-32. */
  private static List<String> chunks(byte[] png) {
    ByteBuffer b = ByteBuffer.wrap(png);
    byte[] signature = new byte[8];
    b.get(signature);
    assertThat(signature).containsExactly(137, 80, 78, 71, 13, 10, 26, 10);
    List<String> types = new ArrayList<>();
    while (b.hasRemaining()) {
      int length = b.getInt();
      byte[] typeAndData = new byte[4 + length];
      b.get(typeAndData);
      CRC32 crc = new CRC32();
      crc.update(typeAndData);
      assertThat(b.getInt()).isEqualTo((int) crc.getValue());
      types.add(new String(typeAndData, 0, 4, StandardCharsets.US_ASCII));
    }
    return types;
  }
}
