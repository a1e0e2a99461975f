package io.cyclegan.model;

import io.cyclegan.model.data.Preprocess;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.nn.Norm;
import io.cyclegan.model.train.GanMode;
import io.cyclegan.model.train.InitType;
import io.cyclegan.model.train.LrPolicy;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The hyperparameters of one training run, named and defaulted as the training command's {@code
 * params}. Each component is a row of {@link TrainingParameters} (same name, same order), where its
 * type, default, bounds, official name and doc are declared; parsing ({@link #fromParams}), {@link
 * #toParams}, validation and the builder's defaults all come from that table. Build with {@link
 * #builder()} or {@link #fromParams}; the constructor validates and names the first bad field.
 */
public record CycleGanConfig(
    int epochs,
    int decayEpochs,
    int imageSize,
    int loadSize,
    NetworkSpec.Generator generator,
    int generatorBlocks,
    int ngf,
    NetworkSpec.Discriminator discriminator,
    int discriminatorLayers,
    int ndf,
    Norm norm,
    boolean dropout,
    int inputChannels,
    int outputChannels,
    double lr,
    double beta1,
    double lambdaCycle,
    double lambdaIdentity,
    int poolSize,
    int batchSize,
    int checkpointEvery,
    long seed,
    String device,
    GanMode ganMode,
    LrPolicy lrPolicy,
    int lrDecayIters,
    InitType initType,
    double initGain,
    Preprocess preprocess,
    boolean flip) {

  /** The parameter names {@link #fromParams} accepts, in documentation order. */
  public static final List<String> PARAM_NAMES = TrainingParameters.names();

  private static final RecordComponent[] COMPONENTS = components();

  /** Validates every field; the message names the field, the rule and the value. */
  public CycleGanConfig {
    checkEach(
        epochs,
        decayEpochs,
        imageSize,
        loadSize,
        generator,
        generatorBlocks,
        ngf,
        discriminator,
        discriminatorLayers,
        ndf,
        norm,
        dropout,
        inputChannels,
        outputChannels,
        lr,
        beta1,
        lambdaCycle,
        lambdaIdentity,
        poolSize,
        batchSize,
        checkpointEvery,
        seed,
        device,
        ganMode,
        lrPolicy,
        lrDecayIters,
        initType,
        initGain,
        preprocess,
        flip);
    // The rules across params (TrainingParameter.rule documents them).
    if (epochs + decayEpochs < 1) {
      throw new IllegalArgumentException(
          "epochs + decayEpochs must be >= 1, was " + epochs + " + " + decayEpochs);
    }
    if (imageSize % 4 != 0) {
      throw new IllegalArgumentException("imageSize must be a multiple of 4, was " + imageSize);
    }
    if (loadSize < imageSize) {
      throw new IllegalArgumentException("loadSize must be >= " + imageSize + ", was " + loadSize);
    }
    if (lrPolicy == LrPolicy.COSINE && epochs < 1) {
      throw new IllegalArgumentException(
          "lrPolicy cosine needs epochs >= 1 (its period), was " + epochs);
    }
    if (!generator.isResnet()) {
      if (generatorBlocks != 0) {
        throw new IllegalArgumentException(
            "generatorBlocks is the ResNet generator's block count; generator "
                + generator.wireName()
                + " has none (leave it out), was "
                + generatorBlocks);
      }
      int multiple = 1 << generator.downsamplings();
      if (imageSize % multiple != 0) {
        throw new IllegalArgumentException(
            "imageSize must be a multiple of "
                + multiple
                + " for generator "
                + generator.wireName()
                + " (its skip connections halve the size "
                + generator.downsamplings()
                + " times), was "
                + imageSize);
      }
    }
    for (int channels : new int[] {inputChannels, outputChannels}) {
      if (channels != 1 && channels != 3) {
        throw new IllegalArgumentException(
            (channels == inputChannels ? "inputChannels" : "outputChannels")
                + " must be 1 or 3, was "
                + channels);
      }
    }
    if (inputChannels != outputChannels && lambdaIdentity > 0) {
      throw new IllegalArgumentException(
          "inputChannels "
              + inputChannels
              + " and outputChannels "
              + outputChannels
              + " differ, so the identity loss cannot apply: lambdaIdentity must be 0, was "
              + lambdaIdentity);
    }
    if (ganMode.refusal() != null) {
      throw new IllegalArgumentException(ganMode.refusal());
    }
  }

  /** The reference defaults (resnet_9blocks, since imageSize defaults to 256). */
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
    for (RecordComponent c : COMPONENTS) {
      b.values.put(c.getName(), read(c, this));
    }
    return b;
  }

  /**
   * Reads a training command's {@code params}: every key optional, unknown keys and values of the
   * wrong type refused with a message naming the key. Numbers may be any {@link Number} (as JSON
   * parsers give them) or numeric strings; integral fields refuse fractions; choices are their
   * official spellings ({@code lsgan}, {@code resize_and_crop}).
   */
  public static CycleGanConfig fromParams(Map<String, ?> params) {
    Set<String> unknown = new TreeSet<>(params.keySet());
    PARAM_NAMES.forEach(unknown::remove);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown parameter(s) " + unknown + "; known: " + String.join(", ", PARAM_NAMES));
    }
    Builder b = builder();
    for (TrainingParameter p : TrainingParameters.ALL) {
      Object v = params.get(p.name());
      if (v != null) {
        b.set(p.name(), p.parse(v));
      }
    }
    return b.build();
  }

  /** The configuration as command {@code params} (JSON types), in documentation order. */
  public Map<String, Object> toParams() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < COMPONENTS.length; i++) {
      m.put(COMPONENTS[i].getName(), TrainingParameters.ALL.get(i).wire(read(COMPONENTS[i], this)));
    }
    return m;
  }

  /** Epochs in total: constant then decaying learning rate. */
  public int totalEpochs() {
    return epochs + decayEpochs;
  }

  private static void checkEach(Object... values) {
    for (int i = 0; i < values.length; i++) {
      TrainingParameters.ALL.get(i).check(values[i]);
    }
  }

  /** The components, checked against the table: same names, same order. */
  private static RecordComponent[] components() {
    RecordComponent[] c = CycleGanConfig.class.getRecordComponents();
    List<String> names = Arrays.stream(c).map(RecordComponent::getName).toList();
    if (!names.equals(TrainingParameters.names())) {
      throw new IllegalStateException(
          "CycleGanConfig's components "
              + names
              + " differ from TrainingParameters "
              + PARAM_NAMES);
    }
    return c;
  }

  private static Object read(RecordComponent c, CycleGanConfig config) {
    try {
      return c.getAccessor().invoke(config);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + c.getName(), e);
    }
  }

  /**
   * Builder over the table's defaults; {@code loadSize}, {@code generator} and {@code
   * generatorBlocks} follow {@code imageSize} unless set.
   */
  public static final class Builder {
    private final Map<String, Object> values = new LinkedHashMap<>();

    private Builder() {
      for (TrainingParameter p : TrainingParameters.ALL) {
        values.put(p.name(), p.defaultValue());
      }
    }

    /**
     * Sets a parameter by its table name to a Java value of its type (Integer, Long, Double, the
     * choice's enum, Boolean, String).
     */
    public Builder set(String name, Object value) {
      TrainingParameter p =
          TrainingParameters.byName(name)
              .orElseThrow(() -> new IllegalArgumentException("unknown parameter " + name));
      values.put(name, p.parse(value));
      return this;
    }

    public Builder optEpochs(int v) {
      return set("epochs", v);
    }

    public Builder optDecayEpochs(int v) {
      return set("decayEpochs", v);
    }

    /** Sets the crop size; unless set, {@code loadSize} follows as 286/256 of it. */
    public Builder optImageSize(int v) {
      return set("imageSize", v);
    }

    public Builder optLoadSize(int v) {
      return set("loadSize", v);
    }

    public Builder optGeneratorBlocks(int v) {
      return set("generatorBlocks", v);
    }

    public Builder optGenerator(NetworkSpec.Generator v) {
      return set("generator", v);
    }

    public Builder optDiscriminator(NetworkSpec.Discriminator v) {
      return set("discriminator", v);
    }

    public Builder optDiscriminatorLayers(int v) {
      return set("discriminatorLayers", v);
    }

    public Builder optNorm(Norm v) {
      return set("norm", v);
    }

    public Builder optDropout(boolean v) {
      return set("dropout", v);
    }

    public Builder optInputChannels(int v) {
      return set("inputChannels", v);
    }

    public Builder optOutputChannels(int v) {
      return set("outputChannels", v);
    }

    public Builder optNgf(int v) {
      return set("ngf", v);
    }

    public Builder optNdf(int v) {
      return set("ndf", v);
    }

    public Builder optLr(double v) {
      return set("lr", v);
    }

    public Builder optBeta1(double v) {
      return set("beta1", v);
    }

    public Builder optLambdaCycle(double v) {
      return set("lambdaCycle", v);
    }

    public Builder optLambdaIdentity(double v) {
      return set("lambdaIdentity", v);
    }

    public Builder optPoolSize(int v) {
      return set("poolSize", v);
    }

    public Builder optBatchSize(int v) {
      return set("batchSize", v);
    }

    public Builder optCheckpointEvery(int v) {
      return set("checkpointEvery", v);
    }

    public Builder optSeed(long v) {
      return set("seed", v);
    }

    public Builder optDevice(String v) {
      return set("device", v);
    }

    public Builder optGanMode(GanMode v) {
      return set("ganMode", v);
    }

    public Builder optLrPolicy(LrPolicy v) {
      return set("lrPolicy", v);
    }

    public Builder optLrDecayIters(int v) {
      return set("lrDecayIters", v);
    }

    public Builder optInitType(InitType v) {
      return set("initType", v);
    }

    public Builder optInitGain(double v) {
      return set("initGain", v);
    }

    public Builder optPreprocess(Preprocess v) {
      return set("preprocess", v);
    }

    public Builder optFlip(boolean v) {
      return set("flip", v);
    }

    /** Resolves the size-dependent defaults and validates. */
    public CycleGanConfig build() {
      Map<String, Object> v = new LinkedHashMap<>(values);
      int imageSize = (Integer) v.get("imageSize");
      // The reference's 286/256 jitter ratio, so a 64 px crop loads at 71 px.
      v.putIfAbsent("loadSize", null);
      if (v.get("loadSize") == null) {
        v.put("loadSize", (int) Math.round(imageSize * 286.0 / 256.0));
      }
      // The generator and its blocks default each other: a given block count names the ResNet
      // (6: resnet_6blocks, else resnet_9blocks), a ResNet name gives its count, and with
      // neither the size decides (9 blocks above 128 px, else 6). A U-Net has no blocks.
      Integer blocks = (Integer) v.get("generatorBlocks");
      NetworkSpec.Generator generator = (NetworkSpec.Generator) v.get("generator");
      if (generator == null) {
        generator =
            NetworkSpec.Generator.resnetFor(blocks != null ? blocks : imageSize > 128 ? 9 : 6);
        v.put("generator", generator);
      }
      if (blocks == null) {
        v.put("generatorBlocks", generator.defaultBlocks());
      }
      Object[] args = new Object[COMPONENTS.length];
      Class<?>[] types = new Class<?>[COMPONENTS.length];
      for (int i = 0; i < COMPONENTS.length; i++) {
        args[i] = v.get(COMPONENTS[i].getName());
        types[i] = COMPONENTS[i].getType();
        if (args[i] == null) {
          throw new IllegalArgumentException(COMPONENTS[i].getName() + " must be given");
        }
      }
      try {
        Constructor<CycleGanConfig> canonical = CycleGanConfig.class.getDeclaredConstructor(types);
        return canonical.newInstance(args);
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot build a CycleGanConfig", e);
      }
    }
  }
}
