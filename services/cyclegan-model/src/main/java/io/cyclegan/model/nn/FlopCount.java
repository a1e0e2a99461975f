package io.cyclegan.model.nn;

import io.cyclegan.model.CycleGanConfig;

/**
 * Multiply-accumulate counts of the reference architectures, from their layer shapes (biases, norms
 * and activations ignored: they are under 1%). A transposed convolution counts what the reference's
 * does, input pixels x Cin x Cout x k^2, so a replacement that does more work shows as lower
 * achieved throughput, not as more FLOPs.
 */
public final class FlopCount {

  private FlopCount() {}

  /** Forward MACs of the ResNet generator (RGB) on one {@code size} x {@code size} image. */
  public static long generatorForwardMacs(int size, int blocks, int ngf) {
    return generatorForwardMacs(
        size, NetworkSpec.builder().optGeneratorBlocks(blocks).optNgf(ngf).build());
  }

  /**
   * Forward MACs of the generator {@code spec} names (G_A: its input to its output channels) on one
   * {@code size} x {@code size} image, {@code size} a multiple of {@link
   * NetworkSpec#generatorSizeMultiple()}.
   */
  public static long generatorForwardMacs(int size, NetworkSpec spec) {
    return spec.generator().isResnet() ? resnetMacs(size, spec) : unetMacs(size, spec);
  }

  private static long resnetMacs(int size, NetworkSpec spec) {
    long s = size;
    long ngf = spec.ngf();
    long macs = s * s * spec.inputChannels() * ngf * 49; // 7x7 stem
    long c = ngf;
    for (int i = 0; i < 2; i++) {
      s /= 2;
      macs += s * s * c * (2 * c) * 9; // stride-2 3x3
      c *= 2;
    }
    macs += spec.generatorBlocks() * 2L * s * s * c * c * 9; // residual blocks
    for (int i = 0; i < 2; i++) {
      macs += s * s * c * (c / 2) * 9; // transposed 3x3, counted on its input
      s *= 2;
      c /= 2;
    }
    macs += s * s * c * spec.outputChannels() * 49; // 7x7 head
    return macs;
  }

  /**
   * Each U-Net level l (0 outermost) has a 4x4 stride-2 convolution down to {@code size / 2^(l+1)}
   * and a 4x4 transposed convolution back up, counted on its input: the inner output concatenated
   * with the skip (twice the inner width), except at the innermost level.
   */
  private static long unetMacs(int size, NetworkSpec spec) {
    int depth = spec.generator().downsamplings();
    long ngf = spec.ngf();
    long macs = 0;
    for (int l = 0; l < depth; l++) {
      long inner = ngf * Math.min(1L << l, 8);
      long outer = l == 0 ? spec.outputChannels() : ngf * Math.min(1L << (l - 1), 8);
      long in = l == 0 ? spec.inputChannels() : outer;
      long s = size >> (l + 1);
      macs += s * s * in * inner * 16;
      macs += s * s * (l == depth - 1 ? inner : 2 * inner) * outer * 16;
    }
    return macs;
  }

  /** Forward MACs of the 70x70 PatchGAN (RGB) on one {@code size} x {@code size} image. */
  public static long discriminatorForwardMacs(int size, int ndf) {
    return discriminatorForwardMacs(size, NetworkSpec.builder().optNdf(ndf).build());
  }

  /**
   * Forward MACs of the discriminator {@code spec} names (D_B: judging {@code inputChannels}) on
   * one {@code size} x {@code size} image.
   */
  public static long discriminatorForwardMacs(int size, NetworkSpec spec) {
    long s = size;
    long ndf = spec.ndf();
    long in = spec.inputChannels();
    if (spec.discriminator() == NetworkSpec.Discriminator.PIXEL) {
      return s * s * (in * ndf + ndf * 2 * ndf + 2 * ndf);
    }
    java.util.List<long[]> layers = new java.util.ArrayList<>(); // {Cin, Cout, stride}
    layers.add(new long[] {in, ndf, 2});
    long mult = 1;
    int n = spec.discriminatorLayers();
    for (int i = 1; i <= n; i++) {
      long prev = mult;
      mult = Math.min(1L << i, 8);
      layers.add(new long[] {ndf * prev, ndf * mult, i < n ? 2 : 1});
    }
    layers.add(new long[] {ndf * mult, 1, 1});
    long macs = 0;
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
    return trainingStepFlops(
        size,
        NetworkSpec.builder().optGeneratorBlocks(blocks).optNgf(ngf).optNdf(ndf).build(),
        identityLoss);
  }

  /**
   * {@link #trainingStepFlops(int, int, int, int, boolean)} for any network: G_A and G_B, D_A and
   * D_B averaged (they differ only in channels).
   */
  public static double trainingStepFlops(int size, NetworkSpec spec, boolean identityLoss) {
    NetworkSpec back = spec.reversed();
    double g = (generatorForwardMacs(size, spec) + generatorForwardMacs(size, back)) / 2.0;
    double d = (discriminatorForwardMacs(size, spec) + discriminatorForwardMacs(size, back)) / 2.0;
    int generatorPasses = identityLoss ? 6 : 4;
    return 2 * (generatorPasses * 3 * g + 2 * 2 * d + 4 * 3 * d);
  }

  /**
   * FLOPs of one training step of {@code config}: its batch of {@code imageSize} crops, the
   * identity passes only where its identity weight is above 0 (the reference skips them otherwise).
   */
  public static double trainingStepFlops(CycleGanConfig config) {
    return config.batchSize()
        * trainingStepFlops(
            config.imageSize(), NetworkSpec.of(config), config.lambdaIdentity() > 0);
  }
}
