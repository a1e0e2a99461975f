package io.cyclegan.model.nn;

import ai.djl.ndarray.NDManager;

/**
 * Builds the four networks of a CycleGAN that a {@link NetworkSpec} names, uninitialized. As in the
 * reference ({@code define_G(input_nc, output_nc)}, {@code define_D(output_nc)} for D_A): G_A maps
 * A ({@code inputChannels}) to B ({@code outputChannels}), G_B back, D_A judges B and D_B judges A.
 */
public final class NetworkFactory {

  private NetworkFactory() {}

  /** G_A: images of A to images of B. */
  public static Network generatorA(NDManager parent, String name, NetworkSpec spec) {
    return generator(parent, name, spec);
  }

  /** G_B: images of B to images of A. */
  public static Network generatorB(NDManager parent, String name, NetworkSpec spec) {
    return generator(parent, name, spec.reversed());
  }

  /** D_A: judges images of B. */
  public static Network discriminatorA(NDManager parent, String name, NetworkSpec spec) {
    return discriminator(parent, name, spec.reversed());
  }

  /** D_B: judges images of A. */
  public static Network discriminatorB(NDManager parent, String name, NetworkSpec spec) {
    return discriminator(parent, name, spec);
  }

  /** A generator from {@code spec.inputChannels()} to {@code spec.outputChannels()}. */
  public static Network generator(NDManager parent, String name, NetworkSpec spec) {
    return spec.generator().isResnet()
        ? new ResnetGenerator(parent, name, spec)
        : new UnetGenerator(parent, name, spec);
  }

  /** A discriminator of images with {@code spec.inputChannels()} channels. */
  public static Network discriminator(NDManager parent, String name, NetworkSpec spec) {
    return spec.discriminator() == NetworkSpec.Discriminator.PIXEL
        ? new PixelDiscriminator(parent, name, spec)
        : new PatchDiscriminator(parent, name, spec);
  }
}
