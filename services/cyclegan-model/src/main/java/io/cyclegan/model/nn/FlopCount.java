package io.cyclegan.model.nn;

/**
 * Multiply-accumulate counts of the reference architectures, from their layer shapes (biases, norms
 * and activations ignored: they are under 1%). A transposed convolution counts what the reference's
 * does, input pixels x Cin x Cout x k^2, so a replacement that does more work shows as lower
 * achieved throughput, not as more FLOPs.
 */
public final class FlopCount {

  private FlopCount() {}

  /** Forward MACs of the ResNet generator on one {@code size} x {@code size} image. */
  public static long generatorForwardMacs(int size, int blocks, int ngf) {
    long s = size;
    long macs = s * s * 3L * ngf * 49; // 7x7 stem
    long c = ngf;
    for (int i = 0; i < 2; i++) {
      s /= 2;
      macs += s * s * c * (2 * c) * 9; // stride-2 3x3
      c *= 2;
    }
    macs += blocks * 2L * s * s * c * c * 9; // residual blocks
    for (int i = 0; i < 2; i++) {
      macs += s * s * c * (c / 2) * 9; // transposed 3x3, counted on its input
      s *= 2;
      c /= 2;
    }
    macs += s * s * c * 3L * 49; // 7x7 head
    return macs;
  }

  /** Forward MACs of the 70x70 PatchGAN on one {@code size} x {@code size} image. */
  public static long discriminatorForwardMacs(int size, int ndf) {
    long s = size;
    long macs = 0;
    long[][] layers = { // {Cin, Cout, stride}
      {3, ndf, 2},
      {ndf, 2L * ndf, 2},
      {2L * ndf, 4L * ndf, 2},
      {4L * ndf, 8L * ndf, 1},
      {8L * ndf, 1, 1}
    };
    for (long[] l : layers) {
      s = (s + 2 - 4) / l[2] + 1; // kernel 4, padding 1
      macs += s * s * l[0] * l[1] * 16;
    }
    return macs;
  }

  /**
   * FLOPs (2 per MAC) of one training step per image: six generator passes with backward (two per
   * cycle and the two identity mappings; four without identity loss), two frozen discriminator
   * passes whose backward only reaches the input, and four discriminator passes with full backward.
   * A backward pass costs twice its forward (input and weight gradients).
   */
  public static double trainingStepFlops(
      int size, int blocks, int ngf, int ndf, boolean identityLoss) {
    double g = generatorForwardMacs(size, blocks, ngf);
    double d = discriminatorForwardMacs(size, ndf);
    int generatorPasses = identityLoss ? 6 : 4;
    return 2 * (generatorPasses * 3 * g + 2 * 2 * d + 4 * 3 * d);
  }
}
