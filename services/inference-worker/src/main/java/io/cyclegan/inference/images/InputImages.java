package io.cyclegan.inference.images;

import io.cyclegan.common.image.ByteArrayImageInputStream;
import io.cyclegan.model.data.ImageTensors;
import io.cyclegan.model.translate.CycleGanTranslator;
import io.cyclegan.model.translate.PaddingGrid;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.function.UnaryOperator;
import javax.imageio.ImageIO;

/** Decodes an input, scales it down to the maximum edge, and pads it to the generator's grid. */
public final class InputImages {

  private InputImages() {}

  /**
   * @throws UnreadableImageException when the bytes are not a decodable image or the image is
   *     smaller than the generator accepts
   */
  public static PreparedImage prepare(byte[] bytes, int maxEdge) {
    return prepare(bytes, maxEdge, UnaryOperator.identity());
  }

  /**
   * Decodes, sizes the image as the model's preprocess says (its resize and centred crop), then
   * prepares it: the output has the preprocessed size.
   *
   * @throws UnreadableImageException as {@link #prepare(byte[], int)}
   */
  public static PreparedImage prepare(
      byte[] bytes, int maxEdge, UnaryOperator<BufferedImage> preprocess) {
    BufferedImage image;
    try {
      image = ImageIO.read(new ByteArrayImageInputStream(bytes));
    } catch (IOException | RuntimeException e) {
      throw new UnreadableImageException("input is not a readable image: " + e.getMessage(), e);
    }
    if (image == null) {
      throw new UnreadableImageException(
          "input is not a readable image (" + bytes.length + " bytes, no decoder recognised it)");
    }
    return prepare(preprocess.apply(image), maxEdge);
  }

  public static PreparedImage prepare(BufferedImage image, int maxEdge) {
    int w0 = image.getWidth();
    int h0 = image.getHeight();
    int[] size = scaledSize(w0, h0, maxEdge);
    boolean scaled = size[0] != w0 || size[1] != h0;
    BufferedImage input = scaled ? ImageTensors.resizeBicubic(image, size[0], size[1]) : image;
    int w = size[0];
    int h = size[1];
    if (w < CycleGanTranslator.MIN_EDGE || h < CycleGanTranslator.MIN_EDGE) {
      throw new UnreadableImageException(
          "image is "
              + w
              + "x"
              + h
              + " px, smaller than the generator's minimum of "
              + CycleGanTranslator.MIN_EDGE
              + " px per side");
    }
    int pw = PaddingGrid.roundUp(w);
    int ph = PaddingGrid.roundUp(h);
    return new PreparedImage(
        padReflect(ImageTensors.toChw(input), w, h, pw, ph), w, h, pw, ph, scaled, w0, h0);
  }

  /** The size after scaling down so that the longer edge is at most {@code maxEdge}. */
  public static int[] scaledSize(int width, int height, int maxEdge) {
    int longer = Math.max(width, height);
    if (longer <= maxEdge) {
      return new int[] {width, height};
    }
    double s = (double) maxEdge / longer;
    int w = width >= height ? maxEdge : Math.max(1, (int) Math.round(width * s));
    int h = height > width ? maxEdge : Math.max(1, (int) Math.round(height * s));
    return new int[] {w, h};
  }

  /**
   * Reflection padding on the right and bottom (PyTorch's ReflectionPad2d, the edge not repeated):
   * column {@code w + j} copies column {@code w - 2 - j}, row {@code h + i} copies row {@code h - 2
   * - i} of the width-padded image. Needs {@code pw - w < w} and {@code ph - h < h}, which holds
   * for edges of at least 5 px and padding of at most 3.
   */
  static float[] padReflect(float[] chw, int w, int h, int pw, int ph) {
    if (pw == w && ph == h) {
      return chw;
    }
    float[] out = new float[3 * pw * ph];
    for (int c = 0; c < 3; c++) {
      int src = c * w * h;
      int dst = c * pw * ph;
      for (int y = 0; y < h; y++) {
        int row = dst + y * pw;
        System.arraycopy(chw, src + y * w, out, row, w);
        for (int x = w; x < pw; x++) {
          out[row + x] = chw[src + y * w + (2 * w - 2 - x)];
        }
      }
      for (int y = h; y < ph; y++) {
        System.arraycopy(out, dst + (2 * h - 2 - y) * pw, out, dst + y * pw, pw);
      }
    }
    return out;
  }
}
