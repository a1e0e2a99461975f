package io.cyclegan.model;

import io.cyclegan.model.TrainingParameter.Kind;
import io.cyclegan.model.TrainingParameter.Scope;
import io.cyclegan.model.data.Preprocess;
import io.cyclegan.model.device.DeviceSelector;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.nn.Norm;
import io.cyclegan.model.train.GanMode;
import io.cyclegan.model.train.InitType;
import io.cyclegan.model.train.LrPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one table of training parameters, in documentation order (Kafka's {@code ConfigDef} in
 * spirit). {@link CycleGanConfig}'s components follow it one to one; its parsing, validation and
 * builder, the CLI's options, the AsyncAPI schema, the chart's device pattern and
 * docs/training-parameters.md come from it or are checked against it by tests.
 */
public final class TrainingParameters {

  /** Every parameter, in documentation order (= {@link CycleGanConfig}'s component order). */
  public static final List<TrainingParameter> ALL =
      List.of(
          // What the run does.
          integer("epochs", 100).min(0).official("n_epochs").doc("epochs at the initial lr"),
          integer("decayEpochs", 100)
              .min(0)
              .official("n_epochs_decay")
              .rule("epochs + decayEpochs >= 1")
              .doc("epochs of lr decay after them (the linear policy's length)"),
          integer("imageSize", 256)
              .min(32)
              .rule("a multiple of 4")
              .official("crop_size")
              .doc("the square crop the networks see"),
          integer("loadSize", null)
              .derived("286/256 of imageSize, rounded")
              .rule(">= imageSize")
              .official("load_size")
              .doc("the size images are scaled to before cropping"),
          // The networks (NetworkSpec): the generator and its width, the discriminator and its
          // width, and what all four share.
          choice("generator", NetworkSpec.Generator.class, null)
              .derived(
                  "resnet_9blocks above 128 px, else resnet_6blocks; with generatorBlocks given,"
                      + " resnet_6blocks for 6, else resnet_9blocks")
              .rule("a U-Net needs imageSize a multiple of 256 (unet_256) or 128 (unet_128)")
              .official("netG")
              .scope(Scope.ARCHITECTURE)
              .doc(
                  "generator: a ResNet (generatorBlocks residual blocks) or a skip-connection U-Net"),
          integer("generatorBlocks", null)
              .min(0)
              .max(NetworkSpec.MAX_BLOCKS)
              .derived("the ResNet name's count (9 or 6); 0 for a U-Net")
              .rule("0 or absent for a U-Net")
              .official("netG resnet_<N>blocks")
              .scope(Scope.ARCHITECTURE)
              .doc(
                  "residual blocks of the ResNet generator (any count; the names only default it)"),
          integer("ngf", 64)
              .min(1)
              .official("ngf")
              .scope(Scope.ARCHITECTURE)
              .doc("generator filters in the first layer"),
          choice("discriminator", NetworkSpec.Discriminator.class, NetworkSpec.Discriminator.BASIC)
              .official("netD")
              .scope(Scope.ARCHITECTURE)
              .doc(
                  "discriminator: 70x70 PatchGAN (basic), PatchGAN of discriminatorLayers, or 1x1"
                      + " PixelGAN"),
          integer("discriminatorLayers", 3)
              .min(1)
              .max(NetworkSpec.MAX_DISCRIMINATOR_LAYERS)
              .official("n_layers_D")
              .scope(Scope.ARCHITECTURE)
              .doc("stride-2 layers of the n_layers discriminator (basic is 3; pixel has none)"),
          integer("ndf", 64)
              .min(1)
              .official("ndf")
              .scope(Scope.ARCHITECTURE)
              .doc("discriminator filters in the first layer"),
          choice("norm", Norm.class, Norm.INSTANCE)
              .official("norm")
              .scope(Scope.ARCHITECTURE)
              .doc("the norm of every network"),
          bool("dropout", false)
              .official("no_dropout (inverted)")
              .scope(Scope.ARCHITECTURE)
              .doc(
                  "Dropout(0.5) in the generator (off by default, as the official cycle_gan model sets)"),
          integer("inputChannels", 3)
              .min(1)
              .max(3)
              .rule("1 or 3")
              .official("input_nc")
              .scope(Scope.ARCHITECTURE)
              .doc("channels of domain A (1: grayscale)"),
          integer("outputChannels", 3)
              .min(1)
              .max(3)
              .rule("1 or 3; equal to inputChannels unless lambdaIdentity is 0")
              .official("output_nc")
              .scope(Scope.ARCHITECTURE)
              .doc("channels of domain B (1: grayscale)"),
          // The optimisation.
          number("lr", 0.0002).above(0).official("lr").doc("Adam's initial learning rate"),
          number("beta1", 0.5).min(0).below(1).official("beta1").doc("Adam beta1 (beta2 0.999)"),
          number("lambdaCycle", 10.0)
              .min(0)
              .official("lambda_A, lambda_B")
              .doc("weight of each cycle-consistency L1 loss"),
          number("lambdaIdentity", 0.5)
              .min(0)
              .official("lambda_identity")
              .doc("identity loss weight, as a fraction of lambdaCycle"),
          integer("poolSize", 50)
              .min(0)
              .official("pool_size")
              .doc("fakes kept per discriminator; 0 disables the pool"),
          integer("batchSize", 1).min(1).official("batch_size").doc("images per step"),
          integer("checkpointEvery", 5)
              .min(0)
              .official("save_epoch_freq")
              .doc("epochs between checkpoints (0: only at the end)"),
          longInteger("seed", 0L).doc("seed of every random choice"),
          text("device", "auto", DeviceSelector.SPEC_PATTERN, DeviceSelector.SPEC_WORDS)
              .official("gpu_ids")
              .doc("where to train; cuda means gpu"),
          choice("ganMode", GanMode.class, GanMode.LSGAN)
              .official("gan_mode")
              .scope(Scope.MODEL)
              .doc("adversarial loss: least squares, or BCE on logits (vanilla)"),
          choice("lrPolicy", LrPolicy.class, LrPolicy.LINEAR)
              .official("lr_policy")
              .doc("learning-rate schedule, per epoch"),
          integer("lrDecayIters", 50)
              .min(1)
              .official("lr_decay_iters")
              .doc("the step policy's period in epochs"),
          choice("initType", InitType.class, InitType.NORMAL)
              .official("init_type")
              .doc("how fresh weights are drawn"),
          number("initGain", 0.02)
              .above(0)
              .official("init_gain")
              .doc("scale of normal, xavier and orthogonal init"),
          choice("preprocess", Preprocess.class, Preprocess.RESIZE_AND_CROP)
              .official("preprocess")
              .scope(Scope.MODEL)
              .doc("how images are sized, in training and in translation"),
          bool("flip", true)
              .official("no_flip (inverted)")
              .doc("random horizontal flips in training"));

  private static final Map<String, TrainingParameter> BY_NAME = index();

  private TrainingParameters() {}

  /** The names, in documentation order. */
  public static List<String> names() {
    return ALL.stream().map(TrainingParameter::name).toList();
  }

  /** The parameter named {@code name}. */
  public static Optional<TrainingParameter> byName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /**
   * The AsyncAPI {@code TrainingParams} schema: an object of every parameter, none required,
   * nothing else allowed; derived defaults shown as they resolve for the default imageSize.
   */
  public static Map<String, Object> jsonSchema() {
    Map<String, Object> defaults = CycleGanConfig.defaults().toParams();
    Map<String, Object> properties = new LinkedHashMap<>();
    for (TrainingParameter p : ALL) {
      properties.put(p.name(), p.jsonSchema(defaults.get(p.name())));
    }
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("additionalProperties", false);
    schema.put(
        "description",
        "every field optional; unknown fields and bad values fail the job naming the field"
            + " (generated from TrainingParameters)");
    schema.put("properties", properties);
    return schema;
  }

  /** The docs' table (Markdown), one row per parameter. */
  public static String markdownTable() {
    Map<String, Object> defaults = CycleGanConfig.defaults().toParams();
    StringBuilder out = new StringBuilder();
    out.append("| param | official | type | default | bounds | on resume | meaning |\n");
    out.append("|---|---|---|---|---|---|---|\n");
    for (TrainingParameter p : ALL) {
      String value = TrainingParameter.display(defaults.get(p.name()));
      String def =
          p.defaultRule() == null
              ? "`" + value + "`"
              : p.defaultRule() + " (`" + value + "` at 256 px)";
      out.append("| `")
          .append(p.name())
          .append("` | ")
          .append(p.official() == null ? "" : "`" + p.official() + "`")
          .append(" | ")
          .append(p.kind().name().toLowerCase(java.util.Locale.ROOT))
          .append(" | ")
          .append(def)
          .append(" | ")
          .append(p.boundsText().replace("|", "\\|"))
          .append(" | ")
          .append(
              switch (p.scope()) {
                case RUN -> "may change";
                case MODEL -> "must match";
                case ARCHITECTURE -> "must match (shapes)";
              })
          .append(" | ")
          .append(p.doc())
          .append(" |\n");
    }
    return out.toString();
  }

  private static Map<String, TrainingParameter> index() {
    Map<String, TrainingParameter> m = new LinkedHashMap<>();
    for (TrainingParameter p : ALL) {
      if (m.put(p.name(), p) != null) {
        throw new IllegalStateException("parameter " + p.name() + " is declared twice");
      }
    }
    return m;
  }

  private static Def integer(String name, Integer def) {
    return new Def(name, Kind.INTEGER, def);
  }

  private static Def longInteger(String name, Long def) {
    return new Def(name, Kind.LONG, def);
  }

  private static Def number(String name, double def) {
    return new Def(name, Kind.NUMBER, def);
  }

  private static Def bool(String name, boolean def) {
    return new Def(name, Kind.BOOLEAN, def);
  }

  private static Def choice(String name, Class<? extends Enum<?>> type, Enum<?> def) {
    Def d = new Def(name, Kind.CHOICE, def);
    d.choices = type;
    return d;
  }

  private static Def text(String name, String def, String pattern, String words) {
    Def d = new Def(name, Kind.TEXT, def);
    d.pattern = pattern;
    d.words = words;
    return d;
  }

  /** One row as it is declared; {@link #doc} ends it. */
  private static final class Def {
    private final String name;
    private final Kind kind;
    private final Object def;
    private String defaultRule;
    private Double min;
    private boolean minExclusive;
    private Double max;
    private boolean maxExclusive;
    private Class<? extends Enum<?>> choices;
    private String pattern;
    private String words;
    private String rule;
    private String official;
    private Scope scope = Scope.RUN;

    private Def(String name, Kind kind, Object def) {
      this.name = name;
      this.kind = kind;
      this.def = def;
    }

    Def min(double v) {
      min = v;
      return this;
    }

    Def above(double v) {
      min = v;
      minExclusive = true;
      return this;
    }

    Def max(double v) {
      max = v;
      return this;
    }

    Def below(double v) {
      max = v;
      maxExclusive = true;
      return this;
    }

    Def derived(String how) {
      defaultRule = how;
      return this;
    }

    Def rule(String text) {
      rule = text;
      return this;
    }

    Def official(String name) {
      official = name;
      return this;
    }

    Def scope(Scope s) {
      scope = s;
      return this;
    }

    TrainingParameter doc(String doc) {
      return new TrainingParameter(
          name,
          kind,
          def,
          defaultRule,
          min,
          minExclusive,
          max,
          maxExclusive,
          choices,
          pattern,
          words,
          rule,
          official,
          scope,
          doc);
    }
  }
}
