package io.cyclegan.model;

import io.cyclegan.model.device.DeviceSelector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The hyperparameters of one training run, named and defaulted as the training command's {@code
 * params} (and the reference CycleGAN's options). Build with {@link #builder()} or {@link
 * #fromParams}; the constructor validates and names the first bad field.
 *
 * @param epochs epochs at the initial learning rate ({@code n_epochs})
 * @param decayEpochs epochs of linear decay toward zero afterwards ({@code n_epochs_decay})
 * @param imageSize the crop fed to the networks ({@code crop_size}), a multiple of 4, >= 32
 * @param loadSize the square size images are resized to before cropping ({@code load_size})
 * @param generatorBlocks residual blocks of the generator; the builder defaults it to 9 above 128
 *     px and 6 at 128 px and below, as the reference's resnet_9blocks / resnet_6blocks advice
 * @param ngf generator width
 * @param ndf discriminator width
 * @param lr initial Adam learning rate
 * @param beta1 Adam beta1 (beta2 is 0.999)
 * @param lambdaCycle weight of each cycle-consistency L1 loss
 * @param lambdaIdentity identity loss weight, as a fraction of {@code lambdaCycle}
 * @param poolSize fakes kept per discriminator; 0 disables the pool
 * @param batchSize images per step
 * @param checkpointEvery epochs between checkpoints (0: only at the end)
 * @param seed seed of every random choice (initialisation, sampling, augmentation, pools)
 * @param device {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}
 */
public record CycleGanConfig(
    int epochs,
    int decayEpochs,
    int imageSize,
    int loadSize,
    int generatorBlocks,
    int ngf,
    int ndf,
    double lr,
    double beta1,
    double lambdaCycle,
    double lambdaIdentity,
    int poolSize,
    int batchSize,
    int checkpointEvery,
    long seed,
    String device) {

  /** The parameter names {@link #fromParams} accepts, in documentation order. */
  public static final List<String> PARAM_NAMES =
      List.of(
          "epochs",
          "decayEpochs",
          "imageSize",
          "loadSize",
          "generatorBlocks",
          "ngf",
          "ndf",
          "lr",
          "beta1",
          "lambdaCycle",
          "lambdaIdentity",
          "poolSize",
          "batchSize",
          "checkpointEvery",
          "seed",
          "device");

  /** Validates every field; the message names the field, the rule and the value. */
  public CycleGanConfig {
    atLeast("epochs", epochs, 0);
    atLeast("decayEpochs", decayEpochs, 0);
    if (epochs + decayEpochs < 1) {
      throw new IllegalArgumentException(
          "epochs + decayEpochs must be >= 1, was " + epochs + " + " + decayEpochs);
    }
    atLeast("imageSize", imageSize, 32);
    if (imageSize % 4 != 0) {
      throw new IllegalArgumentException("imageSize must be a multiple of 4, was " + imageSize);
    }
    atLeast("loadSize", loadSize, imageSize);
    atLeast("generatorBlocks", generatorBlocks, 0);
    atLeast("ngf", ngf, 1);
    atLeast("ndf", ndf, 1);
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("lr must be > 0, was " + lr);
    }
    if (!(beta1 >= 0 && beta1 < 1)) {
      throw new IllegalArgumentException("beta1 must be in [0, 1), was " + beta1);
    }
    nonNegative("lambdaCycle", lambdaCycle);
    nonNegative("lambdaIdentity", lambdaIdentity);
    atLeast("poolSize", poolSize, 0);
    atLeast("batchSize", batchSize, 1);
    atLeast("checkpointEvery", checkpointEvery, 0);
    if (device == null || !device.matches(DeviceSelector.SPEC_PATTERN)) {
      throw new IllegalArgumentException(
          "device must be " + DeviceSelector.SPEC_WORDS + ", was " + device);
    }
  }

  /** The reference defaults (generatorBlocks 9, since imageSize defaults to 256). */
  public static CycleGanConfig defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.epochs = epochs;
    b.decayEpochs = decayEpochs;
    b.imageSize = imageSize;
    b.loadSize = loadSize;
    b.generatorBlocks = generatorBlocks;
    b.ngf = ngf;
    b.ndf = ndf;
    b.lr = lr;
    b.beta1 = beta1;
    b.lambdaCycle = lambdaCycle;
    b.lambdaIdentity = lambdaIdentity;
    b.poolSize = poolSize;
    b.batchSize = batchSize;
    b.checkpointEvery = checkpointEvery;
    b.seed = seed;
    b.device = device;
    return b;
  }

  /**
   * Reads a training command's {@code params}: every key optional, unknown keys and values of the
   * wrong type refused with a message naming the key. Numbers may be any {@link Number} (as JSON
   * parsers give them) or numeric strings; integral fields refuse fractions.
   */
  public static CycleGanConfig fromParams(Map<String, ?> params) {
    Set<String> unknown = new TreeSet<>(params.keySet());
    PARAM_NAMES.forEach(unknown::remove);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown parameter(s) " + unknown + "; known: " + String.join(", ", PARAM_NAMES));
    }
    Builder b = builder();
    for (Map.Entry<String, ?> e : params.entrySet()) {
      String k = e.getKey();
      Object v = e.getValue();
      if (v == null) {
        continue;
      }
      switch (k) {
        case "epochs" -> b.optEpochs(integer(k, v));
        case "decayEpochs" -> b.optDecayEpochs(integer(k, v));
        case "imageSize" -> b.optImageSize(integer(k, v));
        case "loadSize" -> b.optLoadSize(integer(k, v));
        case "generatorBlocks" -> b.optGeneratorBlocks(integer(k, v));
        case "ngf" -> b.optNgf(integer(k, v));
        case "ndf" -> b.optNdf(integer(k, v));
        case "lr" -> b.optLr(number(k, v));
        case "beta1" -> b.optBeta1(number(k, v));
        case "lambdaCycle" -> b.optLambdaCycle(number(k, v));
        case "lambdaIdentity" -> b.optLambdaIdentity(number(k, v));
        case "poolSize" -> b.optPoolSize(integer(k, v));
        case "batchSize" -> b.optBatchSize(integer(k, v));
        case "checkpointEvery" -> b.optCheckpointEvery(integer(k, v));
        case "seed" -> b.optSeed(longInteger(k, v));
        case "device" -> b.optDevice(String.valueOf(v));
        default -> throw new IllegalStateException(k);
      }
    }
    return b.build();
  }

  /** The configuration as command {@code params}, in documentation order. */
  public Map<String, Object> toParams() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epochs", epochs);
    m.put("decayEpochs", decayEpochs);
    m.put("imageSize", imageSize);
    m.put("loadSize", loadSize);
    m.put("generatorBlocks", generatorBlocks);
    m.put("ngf", ngf);
    m.put("ndf", ndf);
    m.put("lr", lr);
    m.put("beta1", beta1);
    m.put("lambdaCycle", lambdaCycle);
    m.put("lambdaIdentity", lambdaIdentity);
    m.put("poolSize", poolSize);
    m.put("batchSize", batchSize);
    m.put("checkpointEvery", checkpointEvery);
    m.put("seed", seed);
    m.put("device", device);
    return m;
  }

  /** Epochs in total: constant then decaying learning rate. */
  public int totalEpochs() {
    return epochs + decayEpochs;
  }

  private static void atLeast(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
    }
  }

  private static void nonNegative(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be >= 0, was " + value);
    }
  }

  private static double number(String key, Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(String.valueOf(v));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, was \"" + v + "\"", e);
    }
  }

  /** A whole number, exactly: a JSON integer stays a {@code long}, never a rounded double. */
  private static long longInteger(String key, Object v) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof java.math.BigInteger big) {
      try {
        return big.longValueExact();
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(key + " must be a 64-bit integer, was " + v, e);
      }
    }
    if (v instanceof String text) {
      try {
        return Long.parseLong(text.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must be an integer, was \"" + v + "\"", e);
      }
    }
    double d = number(key, v);
    if (d != Math.rint(d) || Math.abs(d) > 0x1p53) {
      throw new IllegalArgumentException(key + " must be an integer, was " + v);
    }
    return (long) d;
  }

  private static int integer(String key, Object v) {
    double d = number(key, v);
    if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(key + " must be an integer, was " + v);
    }
    return (int) d;
  }

  /** Builder over the defaults; {@code generatorBlocks} follows {@code imageSize} unless set. */
  public static final class Builder {
    private int epochs = 100;
    private int decayEpochs = 100;
    private int imageSize = 256;
    private Integer loadSize;
    private Integer generatorBlocks;
    private int ngf = 64;
    private int ndf = 64;
    private double lr = 0.0002;
    private double beta1 = 0.5;
    private double lambdaCycle = 10.0;
    private double lambdaIdentity = 0.5;
    private int poolSize = 50;
    private int batchSize = 1;
    private int checkpointEvery = 5;
    private long seed;
    private String device = "auto";

    private Builder() {}

    public Builder optEpochs(int v) {
      epochs = v;
      return this;
    }

    public Builder optDecayEpochs(int v) {
      decayEpochs = v;
      return this;
    }

    /** Sets the crop size; unless set, {@code loadSize} follows as 286/256 of it. */
    public Builder optImageSize(int v) {
      imageSize = v;
      return this;
    }

    public Builder optLoadSize(int v) {
      loadSize = v;
      return this;
    }

    public Builder optGeneratorBlocks(int v) {
      generatorBlocks = v;
      return this;
    }

    public Builder optNgf(int v) {
      ngf = v;
      return this;
    }

    public Builder optNdf(int v) {
      ndf = v;
      return this;
    }

    public Builder optLr(double v) {
      lr = v;
      return this;
    }

    public Builder optBeta1(double v) {
      beta1 = v;
      return this;
    }

    public Builder optLambdaCycle(double v) {
      lambdaCycle = v;
      return this;
    }

    public Builder optLambdaIdentity(double v) {
      lambdaIdentity = v;
      return this;
    }

    public Builder optPoolSize(int v) {
      poolSize = v;
      return this;
    }

    public Builder optBatchSize(int v) {
      batchSize = v;
      return this;
    }

    public Builder optCheckpointEvery(int v) {
      checkpointEvery = v;
      return this;
    }

    public Builder optSeed(long v) {
      seed = v;
      return this;
    }

    public Builder optDevice(String v) {
      device = v;
      return this;
    }

    /** Resolves the size-dependent defaults and validates. */
    public CycleGanConfig build() {
      // The reference's 286/256 jitter ratio, so a 64 px crop loads at 71 px.
      int load = loadSize != null ? loadSize : (int) Math.round(imageSize * 286.0 / 256.0);
      int blocks = generatorBlocks != null ? generatorBlocks : imageSize > 128 ? 9 : 6;
      return new CycleGanConfig(
          epochs,
          decayEpochs,
          imageSize,
          load,
          blocks,
          ngf,
          ndf,
          lr,
          beta1,
          lambdaCycle,
          lambdaIdentity,
          poolSize,
          batchSize,
          checkpointEvery,
          seed,
          device);
    }
  }
}
