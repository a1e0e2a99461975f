package io.cyclegan.cli.training;

import io.cyclegan.model.TrainingParameter;
import io.cyclegan.model.TrainingParameters;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The {@code params} of a start command. One option per row of {@link TrainingParameters} ({@code
 * decayEpochs} as {@code --decay-epochs}), added by {@link Options}, so a parameter declared there
 * reaches the CLI without a line here. Only what the user gives is sent: the training worker owns
 * the defaults and names any field it refuses, so the CLI neither duplicates nor second-guesses
 * them. {@code --param key=value} reaches fields this version has no option for.
 */
public final class TrainingParams {

  /** The mixin's name in the command that holds it ({@link Options} finds it by this name). */
  public static final String MIXIN_NAME = "params";

  private final Map<String, Object> given = new LinkedHashMap<>();

  @Option(
      names = "--param",
      paramLabel = "KEY=VALUE",
      description =
          "any other parameter; numbers and true/false are sent as JSON numbers and booleans")
  Map<String, String> extra = new LinkedHashMap<>();

  /**
   * Adds one option per training parameter to a command whose {@link TrainingParams} mixin is named
   * {@value #MIXIN_NAME}: name it in the command's {@code modelTransformer}.
   */
  public static final class Options implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      CommandSpec mixin = spec.mixins().get(MIXIN_NAME);
      if (mixin == null || !(mixin.userObject() instanceof TrainingParams target)) {
        throw new IllegalStateException(
            spec.name() + " has no TrainingParams mixin named " + MIXIN_NAME);
      }
      for (TrainingParameter p : TrainingParameters.ALL) {
        spec.addOption(target.option(p));
      }
      return spec;
    }
  }

  /** The option of {@code p}: {@code --kebab-name}, typed as on the wire, help from the table. */
  OptionSpec option(TrainingParameter p) {
    return OptionSpec.builder(optionName(p.name()))
        .type(p.kind().wireType())
        .arity("1")
        .paramLabel(label(p))
        .description(p.doc() + " (" + describeDefault(p) + ")")
        .setter(
            new picocli.CommandLine.Model.ISetter() {
              @Override
              public <T> T set(T value) {
                @SuppressWarnings("unchecked")
                T old = (T) (value == null ? given.remove(p.name()) : given.put(p.name(), value));
                return old;
              }
            })
        .build();
  }

  /** {@code decayEpochs} as {@code --decay-epochs}. */
  static String optionName(String param) {
    return "--" + param.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  /** The given parameters under their contract names; a key given twice is an error. */
  public Map<String, Object> toMap() {
    Map<String, Object> params = new LinkedHashMap<>();
    for (TrainingParameter p : TrainingParameters.ALL) {
      if (given.containsKey(p.name())) {
        params.put(p.name(), given.get(p.name()));
      }
    }
    extra.forEach(
        (key, value) -> {
          if (params.containsKey(key)) {
            throw new IllegalArgumentException(
                "parameter '" + key + "' is given twice (as an option and as --param)");
          }
          params.put(key, parse(value));
        });
    return params;
  }

  /** JSON's types for a text value: integer, then decimal, then boolean, else the text. */
  static Object parse(String value) {
    String v = value.trim();
    if (v.matches("[-+]?\\d{1,18}")) {
      return Long.parseLong(v);
    }
    if (v.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
      return Double.parseDouble(v);
    }
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    return value;
  }

  private static String label(TrainingParameter p) {
    return switch (p.kind()) {
      case INTEGER, LONG -> "N";
      case NUMBER -> "X";
      case BOOLEAN -> "true|false";
      case CHOICE -> String.join("|", p.choiceNames());
      case TEXT -> p.name().toUpperCase(Locale.ROOT);
    };
  }

  private static String describeDefault(TrainingParameter p) {
    if (p.defaultRule() != null) {
      return "default: " + p.defaultRule();
    }
    return "default: " + TrainingParameter.display(p.wire(p.defaultValue()));
  }
}
