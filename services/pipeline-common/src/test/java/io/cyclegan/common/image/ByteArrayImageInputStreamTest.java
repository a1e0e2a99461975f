package io.cyclegan.common.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.junit.jupiter.api.Test;

/**
 * {@link ByteArrayImageInputStream} reads as ImageIO's memory-cached stream over the same bytes
 * does: the same images from every format's reader, the same values and positions from the stream's
 * own reads, seeks and ends.
 */
class ByteArrayImageInputStreamTest {

  @Test
  void shouldDecodeEveryFormatToThePixelsTheCachedStreamGives() throws IOException {
    byte[][] files = {
      TestImages.png(37, 23),
      TestImages.noisePng(40, 31),
      TestImages.jpeg(33, 17),
      TestImages.gif(21, 19)
    };
    for (byte[] file : files) {
      BufferedImage expected = ImageIO.read(cached(file));
      BufferedImage actual = ImageIO.read(new ByteArrayImageInputStream(file));

      assertThat(actual.getType()).isEqualTo(expected.getType());
      assertThat(pixels(actual)).isEqualTo(pixels(expected));
    }
  }

  @Test
  void shouldReadSeekAndEndAsTheCachedStreamDoes() throws IOException {
    byte[] bytes = new byte[300];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 7 + 3);
    }
    try (ImageInputStream ours = new ByteArrayImageInputStream(bytes);
        ImageInputStream theirs = cached(bytes)) {
      for (ImageInputStream in : new ImageInputStream[] {ours, theirs}) {
        in.mark();
      }
      assertThat(ours.readInt()).isEqualTo(theirs.readInt());
      assertThat(ours.readBits(11)).isEqualTo(theirs.readBits(11));
      assertThat(ours.read()).isEqualTo(theirs.read());
      byte[] a = new byte[100];
      byte[] b = new byte[100];
      assertThat(ours.read(a, 5, 90)).isEqualTo(theirs.read(b, 5, 90));
      assertThat(a).isEqualTo(b);
      assertThat(ours.getStreamPosition()).isEqualTo(theirs.getStreamPosition());
      ours.reset();
      theirs.reset();
      assertThat(ours.getStreamPosition()).isZero().isEqualTo(theirs.getStreamPosition());
      ours.seek(290);
      theirs.seek(290);
      assertThat(ours.read(a, 0, 100)).isEqualTo(theirs.read(b, 0, 100)).isEqualTo(10);
      assertThat(ours.read()).isEqualTo(theirs.read()).isEqualTo(-1);
      assertThat(ours.read(a, 0, 0)).isZero();
      ours.seek(10_000); // past the end, allowed
      assertThat(ours.read()).isEqualTo(-1);
      assertThat(ours.read(a, 0, 1)).isEqualTo(-1);
      ours.seek(298);
      assertThatThrownBy(() -> ours.readInt()).isInstanceOf(EOFException.class);
      assertThat(ours.length()).isEqualTo(300);
    }
  }

  @Test
  void shouldRefuseReadsAfterClose() throws IOException {
    ImageInputStream in = new ByteArrayImageInputStream(new byte[4]);
    in.close();

    assertThatThrownBy(in::read).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> in.read(new byte[2], 0, 2)).isInstanceOf(IOException.class);
  }

  @Test
  void shouldRefuseARangeOutsideTheGivenArray() {
    ImageInputStream in = new ByteArrayImageInputStream(new byte[4]);

    assertThatThrownBy(() -> in.read(new byte[2], 1, 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  private static ImageInputStream cached(byte[] bytes) {
    return new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
  }

  private static int[] pixels(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    return image.getRGB(0, 0, w, h, null, 0, w);
  }
}
