package io.cyclegan.training;

import io.cyclegan.common.config.Env;
import io.cyclegan.common.config.ServiceSettings;
import io.cyclegan.model.device.DeviceSelector;
import io.cyclegan.training.commands.ModelPublishers;
import io.cyclegan.training.limits.ParamBounds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Everything the training worker reads from the environment, once (docs/configuration.md, "Training
 * worker").
 *
 * @param settings what every service reads (Kafka, store, topics, side port, group)
 * @param device {@code CYCLEGAN_DEVICE}: {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}; a
 *     command's {@code params.device} overrides it
 * @param cacheDir {@code CYCLEGAN_CACHE_DIR}: local copies of datasets, one folder per dataset
 * @param progressEverySteps {@code CYCLEGAN_PROGRESS_EVERY_STEPS}: progress events, and the only
 *     host reads of the losses, every this many steps
 * @param maxAttempts {@code CYCLEGAN_TRAINING_MAX_ATTEMPTS}: how many runs of one job may end
 *     without a word (the worker killed: out of memory, a native crash) before it is failed
 * @param bounds the largest params this worker trains ({@code CYCLEGAN_TRAINING_MAX_*})
 * @param publishers who may publish which model ({@code CYCLEGAN_MODEL_PUBLISHERS}, {@code
 *     CYCLEGAN_MODEL_PUBLISHERS_FILE})
 * @param leaseTtl the time to live of a job's lease: the Kafka session timeout ({@code
 *     KAFKA_SESSION_TIMEOUT_MS}, default 45 s), so a crashed worker's job moves as soon as its
 *     partitions would
 * @param retention {@code CYCLEGAN_CHECKPOINTS_KEEP}, {@code CYCLEGAN_CACHE_MAX_BYTES}
 */
public record TrainingConfig(
    ServiceSettings settings,
    String device,
    Path cacheDir,
    int progressEverySteps,
    int maxAttempts,
    ParamBounds bounds,
    ModelPublishers publishers,
    Duration leaseTtl,
    Retention retention) {

  /**
   * What the worker keeps.
   *
   * @param checkpointsKept {@code CYCLEGAN_CHECKPOINTS_KEEP}: a job's newest checkpoints kept
   *     (older ones are deleted once a newer one is recorded)
   * @param cacheMaxBytes {@code CYCLEGAN_CACHE_MAX_BYTES}: the dataset cache's size cap, least
   *     recently used datasets evicted first; 0 for none
   */
  public record Retention(int checkpointsKept, long cacheMaxBytes) {
    public static final long DEFAULT_CACHE_MAX_BYTES = 16L * 1024 * 1024 * 1024;

    static Retention fromEnv(Env env) {
      return new Retention(
          env.integer(
              "CYCLEGAN_CHECKPOINTS_KEEP",
              io.cyclegan.training.artifacts.CheckpointStore.DEFAULT_KEEP,
              1,
              10_000),
          env.longValue("CYCLEGAN_CACHE_MAX_BYTES", DEFAULT_CACHE_MAX_BYTES, 0, Long.MAX_VALUE));
    }
  }

  public static final String SERVICE = "training";
  public static final int DEFAULT_METRICS_PORT = 9465;
  public static final int DEFAULT_PROGRESS_EVERY_STEPS = 50;
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** Kafka's own default session timeout, the default lease time to live. */
  public static final int DEFAULT_LEASE_TTL_MS = 45_000;

  public TrainingConfig {
    device = device.toLowerCase(Locale.ROOT);
  }

  /** Reads the variables; a missing or malformed one throws a ConfigException naming it. */
  public static TrainingConfig fromEnv(Map<String, String> vars) {
    Env env = new Env(vars);
    return new TrainingConfig(
        ServiceSettings.fromEnv(env, SERVICE, DEFAULT_METRICS_PORT),
        env.matching(
            "CYCLEGAN_DEVICE", "auto", DeviceSelector.SPEC_PATTERN, DeviceSelector.SPEC_WORDS),
        Path.of(
            env.string(
                "CYCLEGAN_CACHE_DIR",
                Path.of(System.getProperty("java.io.tmpdir"), "cyclegan-cache").toString())),
        env.integer(
            "CYCLEGAN_PROGRESS_EVERY_STEPS", DEFAULT_PROGRESS_EVERY_STEPS, 1, Integer.MAX_VALUE),
        env.integer("CYCLEGAN_TRAINING_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS, 1, 1000),
        ParamBounds.fromEnv(env),
        ModelPublishers.fromEnv(env),
        Duration.ofMillis(
            env.integer("KAFKA_SESSION_TIMEOUT_MS", DEFAULT_LEASE_TTL_MS, 3000, 30 * 60_000)),
        Retention.fromEnv(env));
  }

  /** A copy with other service settings (tests give each in-process worker its own id). */
  public TrainingConfig withSettings(ServiceSettings other) {
    return new TrainingConfig(
        other,
        device,
        cacheDir,
        progressEverySteps,
        maxAttempts,
        bounds,
        publishers,
        leaseTtl,
        retention);
  }
}
