package io.cyclegan.inference;

import io.cyclegan.common.config.ConfigException;
import io.cyclegan.common.config.Env;
import io.cyclegan.common.config.ServiceSettings;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.trust.ReplyTopics;
import io.cyclegan.model.device.DeviceSelector;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the inference worker reads from the environment, once, at start-up.
 *
 * @param service Kafka, store, topics, side port, instance id and group
 * @param device {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N} ({@code CYCLEGAN_DEVICE})
 * @param maxBatch images per forward pass ({@code CYCLEGAN_MAX_BATCH})
 * @param maxBatchDelayMs longest wait to fill a batch ({@code CYCLEGAN_MAX_BATCH_DELAY_MS})
 * @param maxEdge longer inputs are scaled down to this edge ({@code CYCLEGAN_MAX_EDGE})
 * @param modelCacheSize generators kept loaded ({@code CYCLEGAN_MODEL_CACHE_SIZE})
 * @param requestDeadline how long after its receipt a request may wait out store or broker faults
 *     before it is answered with an error ({@code CYCLEGAN_INFERENCE_REQUEST_DEADLINE_SECONDS})
 * @param modelPollInterval how often each known model's {@code latest.json} is read, so that a lost
 *     announcement delays a hot swap but never prevents it ({@code CYCLEGAN_MODEL_POLL_SECONDS})
 * @param maxInputBytes a claim check's input object larger than this is refused before it is read
 *     ({@code CYCLEGAN_MAX_INPUT_BYTES}; default {@code CYCLEGAN_MAX_IMAGE_BYTES}, ingest's limit,
 *     else 1 MiB)
 * @param replyTopics the reply topics a claim check may name ({@code CYCLEGAN_REPLY_TOPICS})
 * @param modelThreads libtorch's intra-op threads for the forward passes, set on the model thread
 *     ({@code CYCLEGAN_INFERENCE_THREADS}; 0: libtorch's choice, one per physical core, at most the
 *     JVM's available processors)
 * @param bindAddress the side server's address; {@code 0.0.0.0} from the environment (a container),
 *     {@code 127.0.0.1} when embedded in {@code cyclegan up} or a test
 */
public record InferenceConfig(
    ServiceSettings service,
    String device,
    int maxBatch,
    int maxBatchDelayMs,
    int maxEdge,
    int modelCacheSize,
    Duration requestDeadline,
    Duration modelPollInterval,
    long maxInputBytes,
    ReplyTopics replyTopics,
    int modelThreads,
    String bindAddress) {

  public static final String SERVICE = "inference";
  public static final int DEFAULT_METRICS_PORT = 9466;
  public static final long DEFAULT_MAX_INPUT_BYTES = 1_048_576;

  public InferenceConfig {
    if (maxBatch < 1) {
      throw new ConfigException("CYCLEGAN_MAX_BATCH", "must be >= 1, was " + maxBatch);
    }
    if (maxBatchDelayMs < 0) {
      throw new ConfigException(
          "CYCLEGAN_MAX_BATCH_DELAY_MS", "must be >= 0, was " + maxBatchDelayMs);
    }
    if (maxEdge < 8) {
      throw new ConfigException("CYCLEGAN_MAX_EDGE", "must be >= 8, was " + maxEdge);
    }
    if (modelCacheSize < 1) {
      throw new ConfigException("CYCLEGAN_MODEL_CACHE_SIZE", "must be >= 1, was " + modelCacheSize);
    }
    if (requestDeadline.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ConfigException(
          "CYCLEGAN_INFERENCE_REQUEST_DEADLINE_SECONDS", "must be >= 1 s, was " + requestDeadline);
    }
    if (modelPollInterval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ConfigException(
          "CYCLEGAN_MODEL_POLL_SECONDS", "must be >= 1 s, was " + modelPollInterval);
    }
  }

  /** Reads the common variables and the inference worker's table of docs/configuration.md. */
  public static InferenceConfig fromEnv(Map<String, String> vars) {
    Env env = new Env(vars);
    return new InferenceConfig(
        ServiceSettings.fromEnv(env, SERVICE, DEFAULT_METRICS_PORT),
        env.matching(
            "CYCLEGAN_DEVICE", "auto", DeviceSelector.SPEC_PATTERN, DeviceSelector.SPEC_WORDS),
        env.integer("CYCLEGAN_MAX_BATCH", 8, 1, 1024),
        env.integer("CYCLEGAN_MAX_BATCH_DELAY_MS", 20, 0, 60_000),
        env.integer("CYCLEGAN_MAX_EDGE", 1024, 8, 16384),
        env.integer("CYCLEGAN_MODEL_CACHE_SIZE", 4, 1, 1024),
        Duration.ofSeconds(
            env.longValue("CYCLEGAN_INFERENCE_REQUEST_DEADLINE_SECONDS", 600, 1, 7L * 24 * 3600)),
        Duration.ofSeconds(env.longValue("CYCLEGAN_MODEL_POLL_SECONDS", 60, 1, 24 * 3600)),
        env.longValue(
            "CYCLEGAN_MAX_INPUT_BYTES",
            env.longValue(
                "CYCLEGAN_MAX_IMAGE_BYTES", DEFAULT_MAX_INPUT_BYTES, 1, Integer.MAX_VALUE - 8),
            1,
            Integer.MAX_VALUE - 8),
        ReplyTopics.fromEnv(vars, Topics.fromEnv(vars)),
        env.integer("CYCLEGAN_INFERENCE_THREADS", 0, 0, 1024),
        "0.0.0.0");
  }

  /** The same configuration with a different side-server address. */
  public InferenceConfig withBindAddress(String address) {
    return new InferenceConfig(
        service,
        device,
        maxBatch,
        maxBatchDelayMs,
        maxEdge,
        modelCacheSize,
        requestDeadline,
        modelPollInterval,
        maxInputBytes,
        replyTopics,
        modelThreads,
        address);
  }

  /**
   * Requests between the consumer and the last stage before the consumer pauses its partitions:
   * enough for one batch being decoded, one in the model and one being published, per stage.
   */
  public int maxInFlight() {
    return Math.max(16, 4 * maxBatch);
  }
}
