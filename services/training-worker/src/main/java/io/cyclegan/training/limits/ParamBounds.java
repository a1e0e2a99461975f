package io.cyclegan.training.limits;

import io.cyclegan.common.config.Env;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.nn.NetworkSpec;

/**
 * The largest job this worker accepts. A start beyond a bound fails at once with a message naming
 * the param, the bound and the variable that sets it, instead of exhausting the worker's memory and
 * crash-looping on the redelivered command. The defaults take the reference configurations (256 px,
 * {@code ngf} 64, 9 blocks, batch 1 to 4) with room to spare and refuse the absurd ({@code ngf}
 * 2048, {@code imageSize} 8192).
 *
 * @param maxImageSize {@code CYCLEGAN_TRAINING_MAX_IMAGE_SIZE}: largest {@code imageSize}; {@code
 *     loadSize} may be up to twice this
 * @param maxWidth {@code CYCLEGAN_TRAINING_MAX_WIDTH}: largest {@code ngf} and {@code ndf}
 * @param maxGeneratorBlocks {@code CYCLEGAN_TRAINING_MAX_BLOCKS}: largest {@code generatorBlocks}
 * @param maxBatchSize {@code CYCLEGAN_TRAINING_MAX_BATCH_SIZE}: largest {@code batchSize}
 * @param memory the budget for {@link ActivationMemory#estimateBytes(CycleGanConfig, NetworkSpec)}
 *     of the config's network ({@link NetworkSpec#of})
 */
public record ParamBounds(
    int maxImageSize, int maxWidth, int maxGeneratorBlocks, int maxBatchSize, MemoryBudget memory) {

  public static final String MAX_IMAGE_SIZE = "CYCLEGAN_TRAINING_MAX_IMAGE_SIZE";
  public static final String MAX_WIDTH = "CYCLEGAN_TRAINING_MAX_WIDTH";
  public static final String MAX_BLOCKS = "CYCLEGAN_TRAINING_MAX_BLOCKS";
  public static final String MAX_BATCH_SIZE = "CYCLEGAN_TRAINING_MAX_BATCH_SIZE";

  public static final int DEFAULT_MAX_IMAGE_SIZE = 1024;
  public static final int DEFAULT_MAX_WIDTH = 256;
  public static final int DEFAULT_MAX_BLOCKS = 24;
  public static final int DEFAULT_MAX_BATCH_SIZE = 16;

  public static ParamBounds fromEnv(Env env) {
    return new ParamBounds(
        env.integer(MAX_IMAGE_SIZE, DEFAULT_MAX_IMAGE_SIZE, 32, 65536),
        env.integer(MAX_WIDTH, DEFAULT_MAX_WIDTH, 1, 65536),
        env.integer(MAX_BLOCKS, DEFAULT_MAX_BLOCKS, 0, 1024),
        env.integer(MAX_BATCH_SIZE, DEFAULT_MAX_BATCH_SIZE, 1, 65536),
        MemoryBudget.fromEnv(env));
  }

  /**
   * Refuses a config beyond a bound.
   *
   * @throws ParamBoundException naming the first param over its bound, the bound and the variable
   */
  public void check(CycleGanConfig c) {
    atMost("imageSize", c.imageSize(), maxImageSize, MAX_IMAGE_SIZE, "");
    atMost("loadSize", c.loadSize(), 2L * maxImageSize, MAX_IMAGE_SIZE, " x 2");
    atMost("ngf", c.ngf(), maxWidth, MAX_WIDTH, "");
    atMost("ndf", c.ndf(), maxWidth, MAX_WIDTH, "");
    atMost("generatorBlocks", c.generatorBlocks(), maxGeneratorBlocks, MAX_BLOCKS, "");
    atMost("batchSize", c.batchSize(), maxBatchSize, MAX_BATCH_SIZE, "");
    // The same estimate, from the same spec, as everywhere else: a U-Net, n_layers or pixel
    // network is counted as what it is, not as the ResNet that generatorBlocks would describe.
    NetworkSpec spec = NetworkSpec.of(c);
    long need = ActivationMemory.estimateBytes(c, spec);
    long budget = memory.bytes();
    if (need > budget) {
      throw new ParamBoundException(
          "params need an estimated "
              + mib(need)
              + " MiB of activation memory (imageSize "
              + c.imageSize()
              + ", batchSize "
              + c.batchSize()
              + ", "
              + describe(spec)
              + "), above this worker's bound of "
              + mib(budget)
              + " MiB ("
              + memory.describe()
              + ")");
    }
  }

  /**
   * The architecture params the estimate depends on, as "name value": a ResNet's generatorBlocks
   * and an n_layers discriminator's discriminatorLayers only where they mean something.
   */
  static String describe(NetworkSpec spec) {
    StringBuilder s = new StringBuilder("generator ").append(spec.generator().wireName());
    if (spec.generator().isResnet()) {
      s.append(", generatorBlocks ").append(spec.generatorBlocks());
    }
    s.append(", ngf ").append(spec.ngf());
    s.append(", discriminator ").append(spec.discriminator().wireName());
    if (spec.discriminator() == NetworkSpec.Discriminator.N_LAYERS) {
      s.append(", discriminatorLayers ").append(spec.discriminatorLayers());
    }
    return s.append(", ndf ").append(spec.ndf()).toString();
  }

  private static void atMost(String param, long value, long bound, String variable, String how) {
    if (value > bound) {
      throw new ParamBoundException(
          param
              + " "
              + value
              + " is above this worker's bound of "
              + bound
              + " ("
              + variable
              + how
              + ")");
    }
  }

  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }
}
