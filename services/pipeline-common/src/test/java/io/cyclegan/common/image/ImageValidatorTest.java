package io.cyclegan.common.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.image.ImageRejectedException.Reason;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageValidatorTest {
  private final ImageValidator validator = new ImageValidator(1024 * 1024, 4096L * 4096);

  @Test
  void shouldAcceptPngAndReencodeItAsRgbPng() {
    ValidatedImage image = validator.validate(TestImages.png(40, 30), "image/png");

    assertThat(image.width()).isEqualTo(40);
    assertThat(image.height()).isEqualTo(30);
    assertThat(image.sourceFormat()).isEqualTo(ImageFormat.PNG);
    assertThat(ImageFormat.sniff(image.png())).contains(ImageFormat.PNG);
    assertThat(image.sha256()).isEqualTo(ImageValidator.sha256(image.png())).hasSize(64);
  }

  @Test
  void shouldAcceptJpegAndGiveTheSameHashForTheSameBytes() {
    byte[] jpeg = TestImages.jpeg(32, 32);

    ValidatedImage a = validator.validate(jpeg, "photo.JPG");
    ValidatedImage b = validator.validate(jpeg, null);

    assertThat(a.sourceFormat()).isEqualTo(ImageFormat.JPEG);
    assertThat(a.sha256()).isEqualTo(b.sha256());
  }

  @Test
  void shouldRefuseA50000By50000PngFromItsHeaderAlone() {
    byte[] bomb = TestImages.pngHeaderOnly(50_000, 50_000);

    assertThat(bomb.length).isLessThan(1024);
    assertRejected(() -> validator.validate(bomb, "bomb.png"), Reason.TOO_MANY_PIXELS)
        .hasMessageContaining("50000x50000");
  }

  @Test
  void shouldCountDecodedBytesFromTheHeaderAloneAndNothingForWhatItRefusesBeforeDecoding() {
    assertThat(validator.decodedBytes(TestImages.png(40, 30))).isEqualTo(40L * 30 * 4);
    assertThat(validator.decodedBytes(TestImages.jpeg(32, 16))).isEqualTo(32L * 16 * 4);
    // A header-only PNG is never decoded either: its size comes from the header.
    assertThat(validator.decodedBytes(TestImages.pngHeaderOnly(1000, 1000)))
        .isEqualTo(1000L * 1000 * 4);
    assertThat(validator.decodedBytes(TestImages.pngHeaderOnly(50_000, 50_000))).isZero();
    assertThat(validator.decodedBytes(TestImages.gif(8, 8))).isZero();
    assertThat(validator.decodedBytes("hello".getBytes(StandardCharsets.UTF_8))).isZero();
    assertThat(validator.decodedBytes(new byte[0])).isZero();
  }

  @Test
  void shouldRefuseTruncatedPng() {
    byte[] truncated = TestImages.truncate(TestImages.png(64, 64), 0.6);

    assertRejected(() -> validator.validate(truncated, "x.png"), Reason.TRUNCATED);
  }

  @Test
  void shouldRefuseTruncatedJpeg() {
    byte[] truncated = TestImages.truncate(TestImages.jpeg(64, 64), 0.6);

    assertRejected(() -> validator.validate(truncated, "x.jpg"), Reason.TRUNCATED);
  }

  @Test
  void shouldRefuseTextNamedPng() {
    byte[] text = "hello, I am not a picture\n".getBytes(StandardCharsets.UTF_8);

    assertRejected(() -> validator.validate(text, "notes.png"), Reason.TEXT_NOT_IMAGE)
        .hasMessageContaining("text");
  }

  @Test
  void shouldRefuseBinaryNonImage() {
    byte[] zip = {'P', 'K', 3, 4, 0, 0, 0, 0, (byte) 0x80, 1, 2, 3, (byte) 0xFF, 0};

    assertRejected(() -> validator.validate(zip, null), Reason.UNKNOWN_FORMAT)
        .hasMessageContaining("50 4b 03 04");
  }

  @Test
  void shouldRefuseEmptyBytes() {
    assertRejected(() -> validator.validate(new byte[0], "x.png"), Reason.EMPTY);
  }

  @Test
  void shouldRefuseGifAsUnsupported() {
    assertRejected(
            () -> validator.validate(TestImages.gif(8, 8), "x.gif"), Reason.UNSUPPORTED_FORMAT)
        .hasMessageContaining("GIF");
  }

  @Test
  void shouldRefuseOverLimitBytesNamingTheLimit() {
    ImageValidator small = new ImageValidator(100, 4096L * 4096);

    assertRejected(() -> small.validate(TestImages.png(64, 64), "x.png"), Reason.TOO_LARGE)
        .hasMessageContaining("limit is 100 bytes");
  }

  @Test
  void shouldRefuseJpegDeclaredAsPng() {
    assertRejected(
            () -> validator.validate(TestImages.jpeg(16, 16), "image/png"), Reason.FORMAT_MISMATCH)
        .hasMessageContaining("declared PNG")
        .hasMessageContaining("JPEG");
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable>
      assertRejected(ThrowingCallable call, Reason reason) {
    return assertThatThrownBy(call)
        .isInstanceOf(ImageRejectedException.class)
        .satisfies(e -> assertThat(((ImageRejectedException) e).reason()).isEqualTo(reason));
  }

  @Test
  void shouldDecodeAndEncodeInMemoryWhenNoCacheDirectoryIsUsable(@TempDir Path dir)
      throws Exception {
    byte[] png = TestImages.png(32, 24);
    java.awt.image.BufferedImage picture = TestImages.picture(8, 8);
    // As in a read-only container: ImageIO's default file cache cannot be created.
    Path gone = Files.createDirectory(dir.resolve("cache"));
    boolean useCache = ImageIO.getUseCache();
    File cacheDir = ImageIO.getCacheDirectory();
    ImageIO.setUseCache(true);
    ImageIO.setCacheDirectory(gone.toFile());
    Files.delete(gone);
    try {
      ValidatedImage image = validator.validate(png, "image/png");
      assertThat(image.width()).isEqualTo(32);
      assertThat(ImageValidator.encodePng(picture)).isNotEmpty();
    } finally {
      ImageIO.setCacheDirectory(cacheDir);
      ImageIO.setUseCache(useCache);
    }
  }

  @Test
  void shouldKeepEveryPixelAtTheFastDeflateLevel() throws Exception {
    java.util.Random random = new java.util.Random(15);
    java.awt.image.BufferedImage rgb =
        new java.awt.image.BufferedImage(37, 29, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.awt.image.BufferedImage gray =
        new java.awt.image.BufferedImage(37, 29, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 29; y++) {
      for (int x = 0; x < 37; x++) {
        rgb.setRGB(x, y, random.nextInt(1 << 24));
        gray.getRaster().setSample(x, y, 0, random.nextInt(256));
      }
    }

    for (java.awt.image.BufferedImage original : java.util.List.of(rgb, gray)) {
      java.awt.image.BufferedImage back =
          ImageIO.read(
              new java.io.ByteArrayInputStream(
                  ImageValidator.encodePng(original, ImageValidator.FAST_DEFLATE_LEVEL)));

      java.io.ByteArrayOutputStream imageIoDefault = new java.io.ByteArrayOutputStream();
      ImageIO.write(original, "png", imageIoDefault);
      java.awt.image.BufferedImage before =
          ImageIO.read(new java.io.ByteArrayInputStream(imageIoDefault.toByteArray()));

      assertThat(back.getColorModel().getNumComponents())
          .isEqualTo(original.getColorModel().getNumComponents());
      assertThat(back.getRGB(0, 0, 37, 29, null, 0, 37))
          .isEqualTo(before.getRGB(0, 0, 37, 29, null, 0, 37));
      assertThat(back.getRGB(0, 0, 37, 29, null, 0, 37))
          .isEqualTo(original.getRGB(0, 0, 37, 29, null, 0, 37));
    }
  }

  @Test
  void shouldHonourTheDeflateLevel() {
    java.awt.image.BufferedImage picture = TestImages.picture(64, 64);

    byte[] stored = ImageValidator.encodePng(picture, 0);
    byte[] fast = ImageValidator.encodePng(picture, ImageValidator.FAST_DEFLATE_LEVEL);

    // Level 0 stores the rows uncompressed (at least 64 x 64 x 3 bytes); level 1 compresses.
    assertThat(stored.length).isGreaterThan(64 * 64 * 3);
    assertThat(fast.length).isLessThan(stored.length);
    assertThatThrownBy(() -> ImageValidator.encodePng(picture, 10))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldRefuseToWriteRowsOfAnEmptyImage() {
    PngRows none = (y, row, at) -> {};

    assertThatThrownBy(() -> ImageValidator.encodeFastPng(0, 4, 3, none))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0x4");
    assertThatThrownBy(() -> ImageValidator.encodeFastPng(4, 0, 1, none))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ImageValidator.encodePng(4, 0, 3, none, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ImageValidator.encodeFastPng(4, 4, 2, none))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("channels");
  }
}
