package io.cyclegan.cli.training;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code params} of a start command. Only what the user gives is sent: the training worker owns
 * the defaults and names any field it refuses, so the CLI neither duplicates nor second-guesses
 * them. {@code --param key=value} reaches fields this version has no option for.
 */
public final class TrainingParams {

  @Option(names = "--epochs", paramLabel = "N", description = "epochs at the initial learning rate")
  Integer epochs;

  @Option(
      names = "--decay-epochs",
      paramLabel = "N",
      description = "epochs of linear decay to zero")
  Integer decayEpochs;

  @Option(names = "--image-size", paramLabel = "N", description = "crop size in pixels")
  Integer imageSize;

  @Option(names = "--load-size", paramLabel = "N", description = "resize before the random crop")
  Integer loadSize;

  @Option(names = "--generator-blocks", paramLabel = "N", description = "residual blocks")
  Integer generatorBlocks;

  @Option(names = "--ngf", paramLabel = "N", description = "generator filters in the first layer")
  Integer ngf;

  @Option(
      names = "--ndf",
      paramLabel = "N",
      description = "discriminator filters in the first layer")
  Integer ndf;

  @Option(names = "--lr", paramLabel = "X", description = "Adam learning rate")
  Double lr;

  @Option(names = "--beta1", paramLabel = "X", description = "Adam beta1")
  Double beta1;

  @Option(names = "--lambda-cycle", paramLabel = "X", description = "weight of the cycle loss")
  Double lambdaCycle;

  @Option(
      names = "--lambda-identity",
      paramLabel = "X",
      description = "weight of the identity loss, relative to the cycle loss")
  Double lambdaIdentity;

  @Option(names = "--pool-size", paramLabel = "N", description = "fakes kept per discriminator")
  Integer poolSize;

  @Option(names = "--batch-size", paramLabel = "N", description = "images per step")
  Integer batchSize;

  @Option(
      names = "--checkpoint-every",
      paramLabel = "N",
      description = "epochs between checkpoints")
  Integer checkpointEvery;

  @Option(names = "--seed", paramLabel = "N", description = "random seed")
  Long seed;

  @Option(names = "--device", paramLabel = "DEVICE", description = "auto, cpu, gpu or gpu:N")
  String device;

  @Option(
      names = "--param",
      paramLabel = "KEY=VALUE",
      description =
          "any other parameter; numbers and true/false are sent as JSON numbers and booleans")
  Map<String, String> extra = new LinkedHashMap<>();

  /** The given parameters under their contract names; a key given twice is an error. */
  public Map<String, Object> toMap() {
    Map<String, Object> params = new LinkedHashMap<>();
    put(params, "epochs", epochs);
    put(params, "decayEpochs", decayEpochs);
    put(params, "imageSize", imageSize);
    put(params, "loadSize", loadSize);
    put(params, "generatorBlocks", generatorBlocks);
    put(params, "ngf", ngf);
    put(params, "ndf", ndf);
    put(params, "lr", lr);
    put(params, "beta1", beta1);
    put(params, "lambdaCycle", lambdaCycle);
    put(params, "lambdaIdentity", lambdaIdentity);
    put(params, "poolSize", poolSize);
    put(params, "batchSize", batchSize);
    put(params, "checkpointEvery", checkpointEvery);
    put(params, "seed", seed);
    put(params, "device", device);
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

  private static void put(Map<String, Object> params, String key, Object value) {
    if (value != null) {
      params.put(key, value);
    }
  }
}
