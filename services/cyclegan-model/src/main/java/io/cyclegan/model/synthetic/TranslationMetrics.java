package io.cyclegan.model.synthetic;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * L1 distances on the networks' scale: the mean absolute difference per channel and pixel, with
 * pixels mapped to [-1, 1] (so 2 is the largest possible).
 */
public final class TranslationMetrics {

  private TranslationMetrics() {}

  /** Mean |x - y| over pixels and channels, in [-1, 1] units; the images must be the same size. */
  public static double l1(BufferedImage x, BufferedImage y) {
    if (x.getWidth() != y.getWidth() || x.getHeight() != y.getHeight()) {
      throw new IllegalArgumentException(
          "sizes differ: "
              + x.getWidth()
              + "x"
              + x.getHeight()
              + " vs "
              + y.getWidth()
              + "x"
              + y.getHeight());
    }
    int w = x.getWidth();
    int h = x.getHeight();
    int[] a = x.getRGB(0, 0, w, h, null, 0, w);
    int[] b = y.getRGB(0, 0, w, h, null, 0, w);
    long sum = 0;
    for (int i = 0; i < a.length; i++) {
      for (int shift = 0; shift <= 16; shift += 8) {
        sum += Math.abs(((a[i] >> shift) & 0xFF) - ((b[i] >> shift) & 0xFF));
      }
    }
    return sum / (3.0 * a.length) / 127.5;
  }

  /** Mean L1 between translations and the true mappings of their inputs. */
  public static double l1ToTruth(
      List<BufferedImage> inputs,
      List<BufferedImage> translated,
      UnaryOperator<BufferedImage> truth) {
    if (inputs.size() != translated.size() || inputs.isEmpty()) {
      throw new IllegalArgumentException(
          "need as many translations as inputs (>= 1), got "
              + translated.size()
              + " for "
              + inputs.size());
    }
    double sum = 0;
    for (int i = 0; i < inputs.size(); i++) {
      sum += l1(translated.get(i), truth.apply(inputs.get(i)));
    }
    return sum / inputs.size();
  }

  /** The identity baseline: mean L1(a, truth(a)), what "translating" by doing nothing scores. */
  public static double identityBaseline(
      List<BufferedImage> inputs, UnaryOperator<BufferedImage> truth) {
    return l1ToTruth(inputs, inputs, truth);
  }
}
