package io.cyclegan.localstack;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link LocalStackMain} was asked for: command-line flags first, then environment variables,
 * then the well-known ports.
 *
 * @param kafkaPort Kafka port on 127.0.0.1 ({@code --kafka-port}, {@code LOCAL_STACK_KAFKA_PORT})
 * @param s3Port S3 port on 127.0.0.1 ({@code --s3-port}, {@code LOCAL_STACK_S3_PORT})
 * @param dataDir kept data folder ({@code --data-dir}, {@code LOCAL_STACK_DATA_DIR}); empty for a
 *     temporary one deleted on exit
 * @param bucket bucket to create ({@code --bucket}, {@code S3_BUCKET})
 * @param accessKey S3 access key ({@code --access-key}, {@code S3_ACCESS_KEY})
 * @param secretKey S3 secret key ({@code --secret-key}, {@code S3_SECRET_KEY})
 * @param help whether {@code --help} was given
 */
record LocalStackOptions(
    int kafkaPort,
    int s3Port,
    Optional<Path> dataDir,
    String bucket,
    String accessKey,
    String secretKey,
    boolean help) {

  static final String USAGE =
      """
      Usage: local-stack [--kafka-port N] [--s3-port N] [--data-dir DIR] [--bucket NAME]
                         [--access-key KEY] [--secret-key SECRET]

      Runs an Apache Kafka broker (KRaft) and an S3 server on 127.0.0.1 until Ctrl-C.

        --kafka-port N     Kafka port (env LOCAL_STACK_KAFKA_PORT, default 9092; 0 = any free)
        --s3-port N        S3 port (env LOCAL_STACK_S3_PORT, default 9000; 0 = any free)
        --data-dir DIR     keep Kafka's log and the objects in DIR and reuse them next time
                           (env LOCAL_STACK_DATA_DIR; default: a temporary folder deleted on exit)
        --bucket NAME      bucket to create (env S3_BUCKET, default cyclegan)
        --access-key KEY   S3 access key (env S3_ACCESS_KEY, default cyclegan)
        --secret-key KEY   S3 secret key (env S3_SECRET_KEY, default cyclegan-secret)
        --help             this text
      """;

  /**
   * Reads flags and environment; an unknown flag, a flag without its value or a malformed port
   * fails with an {@link IllegalArgumentException} whose message names it.
   */
  static LocalStackOptions parse(String[] args, Map<String, String> env) {
    String kafkaPort = env.get("LOCAL_STACK_KAFKA_PORT");
    String s3Port = env.get("LOCAL_STACK_S3_PORT");
    String dataDir = env.get("LOCAL_STACK_DATA_DIR");
    String bucket = env.getOrDefault("S3_BUCKET", LocalStack.DEFAULT_BUCKET);
    String accessKey = env.getOrDefault("S3_ACCESS_KEY", LocalStack.DEFAULT_ACCESS_KEY);
    String secretKey = env.getOrDefault("S3_SECRET_KEY", LocalStack.DEFAULT_SECRET_KEY);
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) {
        help = true;
        continue;
      }
      String value;
      int equals = flag.indexOf('=');
      if (flag.startsWith("--") && equals > 0) {
        value = flag.substring(equals + 1);
        flag = flag.substring(0, equals);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        value = null;
      }
      switch (flag) {
        case "--kafka-port" -> kafkaPort = requireValue(flag, value);
        case "--s3-port" -> s3Port = requireValue(flag, value);
        case "--data-dir" -> dataDir = requireValue(flag, value);
        case "--bucket" -> bucket = requireValue(flag, value);
        case "--access-key" -> accessKey = requireValue(flag, value);
        case "--secret-key" -> secretKey = requireValue(flag, value);
        default ->
            throw new IllegalArgumentException(
                "unknown option " + flag + " (--help lists the options)");
      }
    }
    return new LocalStackOptions(
        port("--kafka-port / LOCAL_STACK_KAFKA_PORT", kafkaPort, LocalStack.WELL_KNOWN_KAFKA_PORT),
        port("--s3-port / LOCAL_STACK_S3_PORT", s3Port, LocalStack.WELL_KNOWN_S3_PORT),
        Optional.ofNullable(dataDir).filter(dir -> !dir.isBlank()).map(Path::of),
        bucket,
        accessKey,
        secretKey,
        help);
  }

  /** The stack these options describe, not started. */
  LocalStack toStack() {
    LocalStack.Builder builder =
        LocalStack.builder()
            .optKafkaPort(kafkaPort)
            .optS3Port(s3Port)
            .optBucket(bucket)
            .optCredentials(accessKey, secretKey);
    dataDir.ifPresent(builder::optDataDir);
    return builder.build();
  }

  private static String requireValue(String flag, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return value;
  }

  private static int port(String name, String value, int fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int port = Integer.parseInt(value.trim());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below with the name of the option
    }
    throw new IllegalArgumentException(
        name + " must be a port number from 0 to 65535, was '" + value + "'");
  }
}
