package io.cyclegan.cli.connect;

import io.cyclegan.common.config.Env;
import io.cyclegan.common.config.KafkaSettings;
import io.cyclegan.common.config.S3Settings;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.localstack.LocalStack;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The connection options every command takes. Each falls back to the environment variable the
 * services read (so one set of variables configures both), then to the local stack's defaults, so
 * {@code cyclegan up} in one terminal and any command in another just work. Other {@code KAFKA_*}
 * variables pass through as client properties, which is how a secured cluster (SASL, TLS) is
 * reached.
 */
public final class ConnectionOptions {

  static final String DEFAULT_BOOTSTRAP = "127.0.0.1:" + LocalStack.WELL_KNOWN_KAFKA_PORT;
  static final String DEFAULT_S3_ENDPOINT = "http://127.0.0.1:" + LocalStack.WELL_KNOWN_S3_PORT;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description =
          "Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS, else " + DEFAULT_BOOTSTRAP + ")")
  String bootstrapServers;

  @Option(
      names = "--s3-endpoint",
      paramLabel = "URL",
      description = "S3 endpoint (env S3_ENDPOINT, else " + DEFAULT_S3_ENDPOINT + ")")
  String s3Endpoint;

  @Option(
      names = "--s3-access-key",
      paramLabel = "KEY",
      description = "S3 access key (env S3_ACCESS_KEY, else the local stack's)")
  String s3AccessKey;

  // Prefer the variable: a key on the command line is visible to every user of `ps`.
  @Option(
      names = "--s3-secret-key",
      paramLabel = "KEY",
      description = "S3 secret key (env S3_SECRET_KEY, else the local stack's)")
  String s3SecretKey;

  @Option(
      names = "--bucket",
      paramLabel = "NAME",
      description = "the pipeline's bucket (env S3_BUCKET, else " + LocalStack.DEFAULT_BUCKET + ")")
  String bucket;

  @Option(
      names = "--api",
      paramLabel = "URL",
      description =
          "use the HTTP API at URL instead of Kafka and S3 (env CYCLEGAN_API_URL, or a profile)")
  String api;

  // Prefer the variable or a profile: a token on the command line is visible in `ps`.
  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "the HTTP API's bearer token (env CYCLEGAN_API_TOKEN, or the profile's)")
  String token;

  @Option(
      names = "--profile",
      paramLabel = "NAME",
      description =
          "a profile of ~/.config/cyclegan/config.yaml (env CYCLEGAN_PROFILE, else its current)")
  String profile;

  /**
   * The HTTP transport when one is configured: an API URL from {@code --api}, {@code
   * CYCLEGAN_API_URL} or a profile; empty means Kafka and S3. {@code --bootstrap-servers} on the
   * command line picks Kafka over a profile file's {@code current}.
   */
  public Optional<ApiClient> api(Env env) {
    String url = firstOf(api, env.optional("CYCLEGAN_API_URL").orElse(null), null);
    String bearer = firstOf(token, env.optional("CYCLEGAN_API_TOKEN").orElse(null), null);
    String profileName = firstOf(profile, env.optional("CYCLEGAN_PROFILE").orElse(null), null);
    if (url == null && (profileName != null || bootstrapServers == null)) {
      Optional<ApiProfiles.Profile> p = ApiProfiles.read(configFile(env), profileName);
      if (p.isPresent()) {
        url = p.get().api();
        bearer = bearer != null ? bearer : p.get().token();
      }
    }
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--api: not a URL: " + url, e);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException("--api: expected an http:// or https:// URL, got " + url);
    }
    return Optional.of(new ApiClient(uri, bearer));
  }

  /**
   * {@code $CYCLEGAN_CONFIG}, else {@code $XDG_CONFIG_HOME} or {@code ~/.config}, then
   * cyclegan/config.yaml.
   */
  static Path configFile(Env env) {
    Optional<String> explicit = env.optional("CYCLEGAN_CONFIG");
    if (explicit.isPresent()) {
      return Path.of(explicit.get());
    }
    Optional<String> xdg = env.optional("XDG_CONFIG_HOME");
    Path base =
        xdg.map(Path::of)
            .orElseGet(() -> Path.of(env.optional("HOME").orElse("/nonexistent"), ".config"));
    return base.resolve("cyclegan").resolve("config.yaml");
  }

  /** Options first, then the variables, then the local stack's defaults. */
  public Connection resolve(Env env) {
    Map<String, String> kafka = new HashMap<>(KafkaSettings.fromEnv(env).properties());
    kafka.put(
        "bootstrap.servers",
        firstOf(
            bootstrapServers,
            env.optional("KAFKA_BOOTSTRAP_SERVERS").orElse(null),
            DEFAULT_BOOTSTRAP));
    // Keys given as options win; otherwise the services' own rules (S3_CREDENTIALS, the AWS
    // variables, S3_CA_FILE), with the local stack's keys when nothing names another source.
    Map<String, String> s3Env = new HashMap<>(env.asMap());
    boolean keysGiven = s3AccessKey != null || s3SecretKey != null;
    boolean otherSource =
        env.optional("S3_CREDENTIALS").isPresent()
            || env.optional("AWS_WEB_IDENTITY_TOKEN_FILE").isPresent()
            || env.optional("AWS_ACCESS_KEY_ID").isPresent();
    if (keysGiven || !otherSource) {
      s3Env.put("S3_CREDENTIALS", "static");
      s3Env.put(
          "S3_ACCESS_KEY",
          firstOf(
              s3AccessKey,
              env.optional("S3_ACCESS_KEY").orElse(null),
              LocalStack.DEFAULT_ACCESS_KEY));
      s3Env.put(
          "S3_SECRET_KEY",
          firstOf(
              s3SecretKey,
              env.optional("S3_SECRET_KEY").orElse(null),
              LocalStack.DEFAULT_SECRET_KEY));
    }
    s3Env.put(
        "S3_ENDPOINT",
        firstOf(s3Endpoint, env.optional("S3_ENDPOINT").orElse(null), DEFAULT_S3_ENDPOINT));
    s3Env.put("S3_REGION", env.string("S3_REGION", LocalStack.REGION));
    s3Env.put(
        "S3_BUCKET",
        firstOf(bucket, env.optional("S3_BUCKET").orElse(null), LocalStack.DEFAULT_BUCKET));
    S3Settings s3 = S3Settings.fromEnv(new Env(s3Env));
    return new Connection(new KafkaSettings(kafka), s3, Topics.fromEnv(env.asMap()));
  }

  private static String firstOf(String option, String variable, String fallback) {
    if (option != null && !option.isBlank()) {
      return option.trim();
    }
    return variable != null ? variable : fallback;
  }
}
