package io.cyclegan.cli.local;

import io.cyclegan.inference.InferenceConfig;
import io.cyclegan.inference.InferenceWorker;
import io.cyclegan.ingest.IngestConfig;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.ingest.auth.ApiTokens;
import io.cyclegan.ingest.auth.Scope;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.PortInUseException;
import io.cyclegan.training.TrainingConfig;
import io.cyclegan.training.TrainingWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole pipeline in one JVM: the local stack (embedded Kafka and S3) and the three services,
 * each configured exactly as its own {@code main} would be, from a map of the same environment
 * variables. Started in dependency order and closed in reverse.
 */
public final class LocalPipeline implements AutoCloseable {

  /** Ports to listen on; 0 picks a free one. */
  public record Ports(
      int kafka, int s3, int http, int ingestMetrics, int trainingMetrics, int inferenceMetrics) {
    public static final Ports ANY = new Ports(0, 0, 0, 0, 0, 0);
  }

  private final LocalStack stack;
  private final String apiToken;
  private final IngestService ingest;
  private final TrainingWorker training;
  private final InferenceWorker inference;

  private LocalPipeline(
      LocalStack stack,
      String apiToken,
      IngestService ingest,
      TrainingWorker training,
      InferenceWorker inference) {
    this.stack = stack;
    this.apiToken = apiToken;
    this.ingest = ingest;
    this.training = training;
    this.inference = inference;
  }

  /**
   * Starts everything on loopback.
   *
   * @param dataDir where Kafka's log, the S3 objects and the dataset cache live; kept when given, a
   *     temporary folder deleted on close when {@code null}
   * @param authenticate whether the HTTP API wants a bearer token: a fresh admin token, see {@link
   *     #apiToken()}; without, anyone on this machine may call it
   * @throws PortInUseException naming the first well-known port that is already in use
   */
  public static LocalPipeline start(Ports ports, Path dataDir, boolean authenticate) {
    requireFree("ingest HTTP API", ports.http(), "--http-port");
    requireFree("ingest /metrics", ports.ingestMetrics(), "--metrics-ports");
    requireFree("training /metrics", ports.trainingMetrics(), "--metrics-ports");
    requireFree("inference /metrics", ports.inferenceMetrics(), "--metrics-ports");
    LocalStack.Builder builder =
        LocalStack.builder().optKafkaPort(ports.kafka()).optS3Port(ports.s3());
    if (dataDir != null) {
      builder.optDataDir(dataDir);
    }
    LocalStack stack = builder.build().start();
    try {
      return startServices(
          stack, connection(stack), ports, stack.dataDir().resolve("training-cache"), authenticate);
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  /**
   * Starts the three services in this process against any Kafka and S3 (a real cluster, or
   * containers in tests), given the connection variables the services read; the HTTP API wants
   * {@link #apiToken()}.
   */
  public static LocalPipeline startServices(
      Map<String, String> connection, Ports ports, Path cacheDir) {
    return startServices(null, connection, ports, cacheDir, true);
  }

  private static LocalPipeline startServices(
      LocalStack stack,
      Map<String, String> connection,
      Ports ports,
      Path cacheDir,
      boolean authenticate) {
    IngestService ingest = null;
    TrainingWorker training = null;
    InferenceWorker inference = null;
    try {
      Files.createDirectories(cacheDir);
      String token = authenticate ? ApiTokens.generate() : null;
      Map<String, String> api = new HashMap<>();
      api.put("CYCLEGAN_HTTP_PORT", "" + ports.http());
      if (authenticate) {
        api.put("CYCLEGAN_API_TOKENS_FILE", tokensFile(token).toString());
      } else {
        api.put("CYCLEGAN_API_AUTH", "none");
      }
      ingest =
          new IngestService(
                  IngestConfig.fromEnv(env(connection, ports.ingestMetrics(), api)),
                  IngestService.LOOPBACK)
              .start();
      training =
          new TrainingWorker(
                  TrainingConfig.fromEnv(
                      env(
                          connection,
                          ports.trainingMetrics(),
                          Map.of(
                              "CYCLEGAN_CACHE_DIR",
                              cacheDir.toString(),
                              "CYCLEGAN_PROGRESS_EVERY_STEPS",
                              "10"))),
                  IngestService.LOOPBACK)
              .start();
      inference =
          new InferenceWorker(
                  InferenceConfig.fromEnv(env(connection, ports.inferenceMetrics(), Map.of())),
                  IngestService.LOOPBACK)
              .start();
      return new LocalPipeline(stack, token, ingest, training, inference);
    } catch (IOException e) {
      closeQuietly(inference, training, ingest);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      closeQuietly(inference, training, ingest);
      throw e;
    }
  }

  /** A tokens file, readable by this user only, granting {@code token} every scope. */
  private static Path tokensFile(String token) throws IOException {
    Path file =
        Files.createTempFile(
            "cyclegan-api-tokens",
            "",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    file.toFile().deleteOnExit();
    Files.writeString(file, ApiTokens.line("admin", token, List.of(Scope.ADMIN)) + "\n");
    return file;
  }

  /** The variables that connect a service to the local stack. */
  static Map<String, String> connection(LocalStack stack) {
    return stack.connectionEnv();
  }

  private static Map<String, String> env(
      Map<String, String> connection, int metricsPort, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(connection);
    env.put("CYCLEGAN_METRICS_PORT", Integer.toString(metricsPort));
    env.putAll(extra);
    return env;
  }

  /** The embedded stack, or {@code null} when the services run against an outside Kafka and S3. */
  public LocalStack stack() {
    return stack;
  }

  /** The admin token of the HTTP API; empty when it runs without authentication. */
  public Optional<String> apiToken() {
    return Optional.ofNullable(apiToken);
  }

  public int httpPort() {
    return ingest.httpPort();
  }

  public int ingestMetricsPort() {
    return ingest.metricsPort();
  }

  public int trainingMetricsPort() {
    return training.metricsPort();
  }

  public int inferenceMetricsPort() {
    return inference.metricsPort();
  }

  @Override
  public void close() {
    closeQuietly(inference, training, ingest, stack);
  }

  private static void closeQuietly(AutoCloseable... parts) {
    RuntimeException first = null;
    for (AutoCloseable part : parts) {
      if (part == null) {
        continue;
      }
      try {
        part.close();
      } catch (Exception e) {
        if (first == null) {
          first = new IllegalStateException("error while stopping the local pipeline", e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static void requireFree(String what, int port, String option) {
    if (port != 0) {
      io.cyclegan.localstack.Ports.requireFree(what, port, "; choose another with " + option);
    }
  }
}
