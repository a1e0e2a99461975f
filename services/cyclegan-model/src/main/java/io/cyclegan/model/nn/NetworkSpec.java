package io.cyclegan.model.nn;

import io.cyclegan.model.Choice;
import io.cyclegan.model.CycleGanConfig;
import java.util.Arrays;
import java.util.Locale;

/**
 * The architecture choices of the reference trainer ({@code --netG}, {@code --netD}, {@code
 * --n_layers_D}, {@code --norm}, {@code --no_dropout}, {@code --input_nc}, {@code --output_nc},
 * {@code --ngf}, {@code --ndf}), validated; {@link NetworkFactory} builds the networks.
 *
 * <p>Two fields only mean something for some choices and are normalised so that equal networks have
 * equal specs: {@code generatorBlocks} is 0 for a U-Net (whose depth its name fixes), and {@code
 * discriminatorLayers} is 3 for {@code basic} (the 70x70 PatchGAN) and 0 for {@code pixel}.
 *
 * @param generator the generator architecture
 * @param generatorBlocks residual blocks of a ResNet generator (the free choice the reference's two
 *     names fix at 9 and 6)
 * @param discriminator the discriminator architecture
 * @param discriminatorLayers stride-2 layers of an {@code n_layers} discriminator
 * @param norm the norm of every network
 * @param dropout Dropout(0.5) in the ResNet blocks and in the U-Net's innermost ngf*8 blocks
 * @param inputChannels channels of the generators' input (domain A) and the discriminators' input
 * @param outputChannels channels of the generators' output
 * @param ngf width of the generators' first layer
 * @param ndf width of the discriminators' first layer
 */
public record NetworkSpec(
    Generator generator,
    int generatorBlocks,
    Discriminator discriminator,
    int discriminatorLayers,
    Norm norm,
    boolean dropout,
    int inputChannels,
    int outputChannels,
    int ngf,
    int ndf) {

  /** The largest {@code ngf}, {@code ndf} and block count accepted (far beyond any use). */
  public static final int MAX_WIDTH = 1024;

  public static final int MAX_BLOCKS = 64;

  public static final int MAX_DISCRIMINATOR_LAYERS = 8;

  /** The reference {@code --netG} choices. */
  public enum Generator implements Choice {
    RESNET_9BLOCKS(9, 0),
    RESNET_6BLOCKS(6, 0),
    UNET_256(0, 8),
    UNET_128(0, 7);

    private final int defaultBlocks;
    private final int downsamplings;

    Generator(int defaultBlocks, int downsamplings) {
      this.defaultBlocks = defaultBlocks;
      this.downsamplings = downsamplings;
    }

    /** The reference name ({@code resnet_9blocks}, {@code unet_256}, ...). */
    @Override
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this is a ResNet generator. */
    public boolean isResnet() {
      return downsamplings == 0;
    }

    /** The residual blocks its name implies (0 for a U-Net). */
    public int defaultBlocks() {
      return defaultBlocks;
    }

    /** The U-Net's stride-2 downsamplings ({@code num_downs}; 0 for a ResNet). */
    public int downsamplings() {
      return downsamplings;
    }

    /** Parses a reference name. */
    public static Generator fromWireName(String name) {
      return parse(values(), name, "generator");
    }

    /**
     * The ResNet name a block count goes with: {@code resnet_6blocks} for 6, else {@code
     * resnet_9blocks} (the two names differ only in the count they default to).
     */
    public static Generator resnetFor(int blocks) {
      return blocks == 6 ? RESNET_6BLOCKS : RESNET_9BLOCKS;
    }
  }

  /** The reference {@code --netD} choices. */
  public enum Discriminator implements Choice {
    BASIC,
    N_LAYERS,
    PIXEL;

    /** The reference name ({@code basic}, {@code n_layers}, {@code pixel}). */
    @Override
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a reference name. */
    public static Discriminator fromWireName(String name) {
      return parse(values(), name, "discriminator");
    }
  }

  /** Validates and normalises. */
  public NetworkSpec {
    require(generator != null, "generator must be given");
    require(discriminator != null, "discriminator must be given");
    require(norm != null, "norm must be given");
    if (generator.isResnet()) {
      require(
          generatorBlocks >= 0 && generatorBlocks <= MAX_BLOCKS,
          "generatorBlocks must be in [0, " + MAX_BLOCKS + "], was " + generatorBlocks);
    } else {
      generatorBlocks = 0;
    }
    switch (discriminator) {
      case BASIC -> discriminatorLayers = 3;
      case PIXEL -> discriminatorLayers = 0;
      default ->
          require(
              discriminatorLayers >= 1 && discriminatorLayers <= MAX_DISCRIMINATOR_LAYERS,
              "discriminatorLayers must be in [1, "
                  + MAX_DISCRIMINATOR_LAYERS
                  + "], was "
                  + discriminatorLayers);
    }
    require(
        inputChannels == 1 || inputChannels == 3,
        "inputChannels must be 1 or 3, was " + inputChannels);
    require(
        outputChannels == 1 || outputChannels == 3,
        "outputChannels must be 1 or 3, was " + outputChannels);
    require(ngf >= 1 && ngf <= MAX_WIDTH, "ngf must be in [1, " + MAX_WIDTH + "], was " + ngf);
    require(ndf >= 1 && ndf <= MAX_WIDTH, "ndf must be in [1, " + MAX_WIDTH + "], was " + ndf);
  }

  /** The reference CycleGAN defaults: resnet_9blocks, basic, instance norm, no dropout, RGB, 64. */
  public static NetworkSpec defaults() {
    return builder().build();
  }

  /**
   * The networks a training configuration names: its generator, generatorBlocks, ngf,
   * discriminator, discriminatorLayers, ndf, norm, dropout and channels (the table's architecture
   * rows, one to one).
   */
  public static NetworkSpec of(CycleGanConfig config) {
    return builder()
        .optGenerator(config.generator())
        .optGeneratorBlocks(config.generatorBlocks())
        .optNgf(config.ngf())
        .optDiscriminator(config.discriminator())
        .optDiscriminatorLayers(config.discriminatorLayers())
        .optNdf(config.ndf())
        .optNorm(config.norm())
        .optDropout(config.dropout())
        .optInputChannels(config.inputChannels())
        .optOutputChannels(config.outputChannels())
        .build();
  }

  /** A builder starting from the reference defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The spec of the B side's networks, G_B (B to A) and D_A (judging B): this one with {@code
   * inputChannels} and {@code outputChannels} exchanged, as the reference's {@code
   * define_G(output_nc, input_nc)} and {@code define_D(output_nc)}. Its own inverse.
   */
  public NetworkSpec reversed() {
    return new NetworkSpec(
        generator,
        generatorBlocks,
        discriminator,
        discriminatorLayers,
        norm,
        dropout,
        outputChannels,
        inputChannels,
        ngf,
        ndf);
  }

  /**
   * The multiple of which the generator's input edges must be: 4 for a ResNet (two stride-2
   * layers), 2^{@code num_downs} for a U-Net (256 for {@code unet_256}), whose skip connections
   * need every level's size to halve exactly.
   */
  public int generatorSizeMultiple() {
    return generator.isResnet() ? 4 : 1 << generator.downsamplings();
  }

  /** Options of a {@link NetworkSpec}, every one optional with the reference default. */
  public static final class Builder {
    private Generator generator = Generator.RESNET_9BLOCKS;
    private Integer generatorBlocks;
    private Discriminator discriminator = Discriminator.BASIC;
    private int discriminatorLayers = 3;
    private Norm norm = Norm.INSTANCE;
    private boolean dropout;
    private int inputChannels = 3;
    private int outputChannels = 3;
    private int ngf = 64;
    private int ndf = 64;

    private Builder() {}

    /** The generator; a ResNet's blocks follow its name unless set. */
    public Builder optGenerator(Generator generator) {
      this.generator = generator;
      return this;
    }

    public Builder optGeneratorBlocks(int generatorBlocks) {
      this.generatorBlocks = generatorBlocks;
      return this;
    }

    public Builder optDiscriminator(Discriminator discriminator) {
      this.discriminator = discriminator;
      return this;
    }

    public Builder optDiscriminatorLayers(int discriminatorLayers) {
      this.discriminatorLayers = discriminatorLayers;
      return this;
    }

    public Builder optNorm(Norm norm) {
      this.norm = norm;
      return this;
    }

    public Builder optDropout(boolean dropout) {
      this.dropout = dropout;
      return this;
    }

    public Builder optInputChannels(int inputChannels) {
      this.inputChannels = inputChannels;
      return this;
    }

    public Builder optOutputChannels(int outputChannels) {
      this.outputChannels = outputChannels;
      return this;
    }

    public Builder optNgf(int ngf) {
      this.ngf = ngf;
      return this;
    }

    public Builder optNdf(int ndf) {
      this.ndf = ndf;
      return this;
    }

    /** Validates and builds. */
    public NetworkSpec build() {
      int blocks =
          generatorBlocks != null
              ? generatorBlocks
              : generator == null ? 0 : generator.defaultBlocks();
      return new NetworkSpec(
          generator,
          blocks,
          discriminator,
          discriminatorLayers,
          norm,
          dropout,
          inputChannels,
          outputChannels,
          ngf,
          ndf);
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  private static <E extends Enum<E>> E parse(E[] values, String name, String field) {
    for (E e : values) {
      if (e.name().toLowerCase(Locale.ROOT).equals(name)) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        field
            + " must be one of "
            + Arrays.stream(values).map(e -> e.name().toLowerCase(Locale.ROOT)).toList()
            + ", was "
            + name);
  }
}
