package io.cyclegan.training.limits;

import io.cyclegan.model.CycleGanConfig;

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
 * the four networks are added. At 256 px, ngf/ndf 64, 9 blocks, batch 1 this gives about 2.6 GiB,
 * the order of what the reference implementation uses on a GPU.
 */
public final class ActivationMemory {
  private static final int BYTES_PER_FLOAT = 4;
  private static final int SAVED_PER_CONV = 3;
  private static final int FORWARDS_PER_STEP = 6;

  private ActivationMemory() {}

  public static long estimateBytes(CycleGanConfig c) {
    double pixels = (double) c.imageSize() * c.imageSize();
    double generator = (3.25 + 0.5 * c.generatorBlocks()) * c.ngf() * pixels;
    double discriminator = 0.56 * c.ndf() * pixels;
    double activations =
        (double) FORWARDS_PER_STEP * SAVED_PER_CONV * (generator + discriminator) * c.batchSize();
    // Weights, gradients and two Adam moments of two generators (3x3 convs: 288 ngf^2 per residual
    // block, 180 ngf^2 down and up, 294 ngf in the 7x7 stem and head) and two discriminators
    // (4x4 convs: 672 ndf^2 + 176 ndf): 11,378,179 and 2,764,737 parameters at 64 and 9 blocks.
    double f = c.ngf();
    double d = c.ndf();
    double generatorParams = f * f * (288.0 * c.generatorBlocks() + 180) + 294 * f;
    double discriminatorParams = 672 * d * d + 176 * d;
    double weights = 4.0 * 2 * (generatorParams + discriminatorParams);
    double bytes = (activations + weights) * BYTES_PER_FLOAT;
    return bytes >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) bytes;
  }
}
