package io.cyclegan.training.limits;

import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.interop.OfficialLayout;
import io.cyclegan.model.nn.NetworkSpec;
import java.util.Map;

/**
 * A deliberately simple estimate of the memory one training step keeps alive for the backward pass,
 * to refuse jobs that cannot fit before they take the worker down. Not a measurement: it counts
 * float32 activations that autograd holds and ignores the framework's own overhead.
 *
 * <p>In units of {@code ngf x S^2} (S = imageSize), the conv outputs of one ResNet generator
 * forward are 1 (stem) + 0.5 + 0.25 (two downsamplings) + 0.5 per residual block + 0.5 + 1 (two
 * upsamplings) = {@code 3.25 + 0.5 x blocks}; a 70x70 PatchGAN forward is about {@code 0.56 x ndf x
 * S^2}. Each conv output comes with about three saved tensors (conv, norm, activation). One step
 * runs six generator forwards (two fakes, two reconstructions, two identities) and six
 * discriminator forwards, all times {@code batchSize}. The weights, gradients and Adam moments of
 * the four networks are added. Other architectures ({@link NetworkSpec}: U-Net, {@code n_layers},
 * pixel) count their own conv outputs and parameters, see {@link #generatorUnits} and {@link
 * #discriminatorUnits}. At 256 px, ngf/ndf 64, 9 blocks, batch 1 this gives about 2.8 GiB, the
 * order of what the reference implementation uses on a GPU.
 */
public final class ActivationMemory {
  private static final int BYTES_PER_FLOAT = 4;
  private static final int SAVED_PER_CONV = 3;
  private static final int FORWARDS_PER_STEP = 6;

  private ActivationMemory() {}

  /** The estimate for the network the config trains today ({@link NetworkSpec#of}). */
  public static long estimateBytes(CycleGanConfig c) {
    return estimateBytes(c, NetworkSpec.of(c));
  }

  /**
   * The estimate for {@code spec}'s networks at the config's image and batch size (the spec's
   * widths and blocks win over the config's).
   */
  public static long estimateBytes(CycleGanConfig c, NetworkSpec spec) {
    double pixels = (double) c.imageSize() * c.imageSize();
    double generator = generatorUnits(spec) * spec.ngf() * pixels;
    double discriminator = discriminatorUnits(spec) * spec.ndf() * pixels;
    double activations =
        (double) FORWARDS_PER_STEP * SAVED_PER_CONV * (generator + discriminator) * c.batchSize();
    // Weights, gradients and two Adam moments of the four networks, counted from the official
    // state_dict shapes (batch norm statistics included: they are small).
    double params =
        count(OfficialLayout.generator(spec))
            + count(OfficialLayout.generator(spec.reversed()))
            + count(OfficialLayout.discriminator(spec))
            + count(OfficialLayout.discriminator(spec.reversed()));
    double bytes = (activations + 4.0 * params) * BYTES_PER_FLOAT;
    return bytes >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) bytes;
  }

  /**
   * Conv outputs of one generator forward in units of {@code ngf x S^2}: a ResNet's {@code 3.25 +
   * 0.5 x blocks}; a U-Net's down outputs at each level l ({@code min(2^l, 8) / 4^(l+1)}), its up
   * outputs and the skip concatenations ({@code 3 min(2^(l-1), 8) / 4^l} below the outermost),
   * about 1.9 whatever its depth.
   */
  static double generatorUnits(NetworkSpec spec) {
    if (spec.generator().isResnet()) {
      return 3.25 + 0.5 * spec.generatorBlocks();
    }
    double units = (double) spec.outputChannels() / spec.ngf();
    for (int l = 0; l < spec.generator().downsamplings(); l++) {
      units += Math.min(1 << l, 8) / Math.pow(4, l + 1);
      if (l > 0) {
        units += 3.0 * Math.min(1 << (l - 1), 8) / Math.pow(4, l);
      }
    }
    return units;
  }

  /**
   * Conv outputs of one discriminator forward in units of {@code ndf x S^2}: a PatchGAN's stride-2
   * layers {@code min(2^i, 8) / 4^(i+1)} and its stride-1 layer (about 0.56 for {@code basic}); the
   * pixel GAN's full-resolution {@code ndf + 2 ndf} (3).
   */
  static double discriminatorUnits(NetworkSpec spec) {
    if (spec.discriminator() == NetworkSpec.Discriminator.PIXEL) {
      return 3;
    }
    int n = spec.discriminatorLayers();
    double units = 0;
    for (int i = 0; i < n; i++) {
      units += Math.min(1 << i, 8) / Math.pow(4, i + 1);
    }
    return units + Math.min(1 << n, 8) / Math.pow(4, n);
  }

  private static double count(Map<String, long[]> layout) {
    double n = 0;
    for (long[] shape : layout.values()) {
      double size = 1;
      for (long d : shape) {
        size *= d;
      }
      n += size;
    }
    return n;
  }
}
