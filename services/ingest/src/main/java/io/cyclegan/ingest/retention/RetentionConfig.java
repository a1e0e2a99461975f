package io.cyclegan.ingest.retention;

import io.cyclegan.common.config.Env;
import java.time.Duration;

/**
 * How long translation requests and results are kept, and how much one sweep may do.
 *
 * @param requests {@code CYCLEGAN_RETENTION_REQUESTS_HOURS}: objects under {@code requests/} older
 *     than this are deleted (default 7 days; 0 keeps them forever)
 * @param results {@code CYCLEGAN_RETENTION_RESULTS_HOURS}: the same for {@code results/}
 * @param sweepEvery {@code CYCLEGAN_RETENTION_SWEEP_SECONDS}: the pause between two sweeps
 * @param maxObjectsPerSweep {@code CYCLEGAN_RETENTION_SWEEP_MAX_OBJECTS}: how many objects one
 *     sweep looks at, at most; the next sweep goes on where it stopped
 */
public record RetentionConfig(
    Duration requests, Duration results, Duration sweepEvery, int maxObjectsPerSweep) {
  public static final int DEFAULT_HOURS = 7 * 24;
  public static final int DEFAULT_SWEEP_SECONDS = 3600;
  public static final int DEFAULT_MAX_OBJECTS_PER_SWEEP = 10_000;

  public static RetentionConfig fromEnv(Env env) {
    return new RetentionConfig(
        Duration.ofHours(
            env.integer("CYCLEGAN_RETENTION_REQUESTS_HOURS", DEFAULT_HOURS, 0, 1_000_000)),
        Duration.ofHours(
            env.integer("CYCLEGAN_RETENTION_RESULTS_HOURS", DEFAULT_HOURS, 0, 1_000_000)),
        Duration.ofSeconds(
            env.integer(
                "CYCLEGAN_RETENTION_SWEEP_SECONDS", DEFAULT_SWEEP_SECONDS, 1, Integer.MAX_VALUE)),
        env.integer(
            "CYCLEGAN_RETENTION_SWEEP_MAX_OBJECTS",
            DEFAULT_MAX_OBJECTS_PER_SWEEP,
            1,
            Integer.MAX_VALUE));
  }

  /** Whether anything is ever deleted. */
  public boolean sweeps() {
    return !requests.isZero() || !results.isZero();
  }
}
