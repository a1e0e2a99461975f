package io.cyclegan.ingest;

import io.cyclegan.common.config.ConfigException;
import io.cyclegan.common.config.Env;
import io.cyclegan.common.config.ServiceSettings;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.trust.ReplyTopics;
import io.cyclegan.ingest.auth.AuthConfig;
import io.cyclegan.ingest.http.FrontDoor;
import java.time.Duration;
import java.util.Map;

/**
 * Everything ingest reads from the environment, once (docs/configuration.md, "Ingest").
 *
 * @param settings what every service reads (Kafka, store, topics, side port, group)
 * @param httpPort {@code CYCLEGAN_HTTP_PORT}, 0 for any free port
 * @param maxImageBytes {@code CYCLEGAN_MAX_IMAGE_BYTES}
 * @param maxImagePixels {@code CYCLEGAN_MAX_IMAGE_PIXELS}, read from the header before decoding
 * @param maxUploadBytes {@code CYCLEGAN_MAX_UPLOAD_BYTES}, the largest HTTP request body
 * @param threads {@code CYCLEGAN_INGEST_THREADS}, images validated in parallel
 * @param auth {@code CYCLEGAN_API_AUTH}, {@code CYCLEGAN_API_TOKENS_FILE}, {@code CYCLEGAN_OIDC_*}
 * @param frontDoor {@code CYCLEGAN_HTTP_WORKERS}, {@code CYCLEGAN_HTTP_QUEUE}, {@code
 *     CYCLEGAN_HTTP_READ_TIMEOUT_SECONDS}
 * @param maxImportBytes {@code CYCLEGAN_MAX_IMPORT_BYTES}, the largest PyTorch file a model import
 *     uploads (streamed to the store, never held in memory)
 * @param replyTopics the reply topics a caller may name ({@code CYCLEGAN_REPLY_TOPICS})
 * @param maxBatchDecodedBytes {@code CYCLEGAN_INGEST_MAX_BATCH_DECODED_BYTES}, the most bytes of
 *     decoded pixels (width x height x 4) the consumer validates at once; a polled batch over it is
 *     processed in parts
 * @param catalogRefresh {@code CYCLEGAN_INGEST_CATALOG_REFRESH_SECONDS}: a dataset's counts, kept
 *     as images arrive, are re-derived from a listing in the background once its last listing is
 *     this old and images were added since (what other replicas added is counted then)
 * @param retention {@code CYCLEGAN_RETENTION_*}: how long translation requests and results are kept
 */
public record IngestConfig(
    ServiceSettings settings,
    int httpPort,
    long maxImageBytes,
    long maxImagePixels,
    long maxUploadBytes,
    int threads,
    AuthConfig auth,
    FrontDoor frontDoor,
    long maxImportBytes,
    ReplyTopics replyTopics,
    long maxBatchDecodedBytes,
    Duration catalogRefresh,
    io.cyclegan.ingest.retention.RetentionConfig retention) {

  public static final String SERVICE = "ingest";
  public static final int DEFAULT_METRICS_PORT = 9464;
  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final long DEFAULT_MAX_IMAGE_BYTES = 1_048_576;
  public static final long DEFAULT_MAX_IMAGE_PIXELS = 16_777_216;
  public static final long DEFAULT_MAX_UPLOAD_BYTES = 104_857_600;

  /** 200 MiB: an official 9-block generator at ngf 64 is about 45 MB. */
  public static final long DEFAULT_MAX_IMPORT_BYTES = 209_715_200;

  /** 256 MiB: four images at the default pixel limit, or a few hundred camera-sized ones. */
  public static final long DEFAULT_MAX_BATCH_DECODED_BYTES = 268_435_456;

  public static final int DEFAULT_CATALOG_REFRESH_SECONDS = 600;

  // Images are held in byte arrays, so no single one can exceed what an array holds.
  private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

  public IngestConfig {
    if (maxUploadBytes < maxImageBytes) {
      throw new ConfigException(
          "CYCLEGAN_MAX_UPLOAD_BYTES",
          "expected at least CYCLEGAN_MAX_IMAGE_BYTES ("
              + maxImageBytes
              + ") so that one image fits in an upload, got "
              + maxUploadBytes);
    }
  }

  /** Reads the variables; a missing or malformed one throws a {@link ConfigException} naming it. */
  public static IngestConfig fromEnv(Map<String, String> vars) {
    Env env = new Env(vars);
    return new IngestConfig(
        ServiceSettings.fromEnv(env, SERVICE, DEFAULT_METRICS_PORT),
        env.integer("CYCLEGAN_HTTP_PORT", DEFAULT_HTTP_PORT, 0, 65535),
        env.longValue("CYCLEGAN_MAX_IMAGE_BYTES", DEFAULT_MAX_IMAGE_BYTES, 1, MAX_ARRAY_BYTES),
        env.longValue("CYCLEGAN_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS, 1, Long.MAX_VALUE),
        env.longValue("CYCLEGAN_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES, 1, MAX_ARRAY_BYTES),
        env.integer("CYCLEGAN_INGEST_THREADS", Runtime.getRuntime().availableProcessors(), 1, 1024),
        AuthConfig.fromEnv(env),
        new FrontDoor(
            env.integer("CYCLEGAN_HTTP_WORKERS", FrontDoor.DEFAULT_WORKERS, 1, 1024),
            env.integer("CYCLEGAN_HTTP_QUEUE", FrontDoor.DEFAULT_QUEUE, 0, 10_000),
            Duration.ofSeconds(
                env.integer(
                    "CYCLEGAN_HTTP_READ_TIMEOUT_SECONDS",
                    FrontDoor.DEFAULT_READ_TIMEOUT_SECONDS,
                    1,
                    3600)),
            FrontDoor.QUEUE_WAIT,
            Duration.ofSeconds(
                env.integer(
                    "CYCLEGAN_HTTP_IDLE_TIMEOUT_SECONDS",
                    FrontDoor.DEFAULT_IDLE_TIMEOUT_SECONDS,
                    1,
                    3600)),
            Duration.ofSeconds(
                env.integer(
                    "CYCLEGAN_HTTP_REQUEST_TIMEOUT_SECONDS",
                    FrontDoor.DEFAULT_REQUEST_TIMEOUT_SECONDS,
                    1,
                    3600))),
        env.longValue("CYCLEGAN_MAX_IMPORT_BYTES", DEFAULT_MAX_IMPORT_BYTES, 1, Long.MAX_VALUE),
        ReplyTopics.fromEnv(vars, Topics.fromEnv(vars)),
        env.longValue(
            "CYCLEGAN_INGEST_MAX_BATCH_DECODED_BYTES",
            DEFAULT_MAX_BATCH_DECODED_BYTES,
            1,
            Long.MAX_VALUE),
        Duration.ofSeconds(
            env.integer(
                "CYCLEGAN_INGEST_CATALOG_REFRESH_SECONDS",
                DEFAULT_CATALOG_REFRESH_SECONDS,
                1,
                Integer.MAX_VALUE)),
        io.cyclegan.ingest.retention.RetentionConfig.fromEnv(env));
  }
}
