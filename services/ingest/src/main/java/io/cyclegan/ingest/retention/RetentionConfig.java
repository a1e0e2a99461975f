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
 * @param incompleteUploads {@code CYCLEGAN_RETENTION_MULTIPART_HOURS}: multipart uploads started
 *     longer ago than this and never completed (their writer died) are aborted (default 1 day; 0
 *     never)
 */
public record RetentionConfig(
    Duration requests,
    Duration results,
    Duration sweepEvery,
    int maxObjectsPerSweep,
    Duration incompleteUploads) {
  public static final int DEFAULT_HOURS = 7 * 24;
  public static final int DEFAULT_SWEEP_SECONDS = 3600;
  public static final int DEFAULT_MAX_OBJECTS_PER_SWEEP = 10_000;
  public static final int DEFAULT_MULTIPART_HOURS = 24;

  /** Lifetimes and bounds, with incomplete uploads never aborted (tests of the other rules). */
  public RetentionConfig(
      Duration requests, Duration results, Duration sweepEvery, int maxObjectsPerSweep) {
    this(requests, results, sweepEvery, maxObjectsPerSweep, Duration.ZERO);
  }

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
            Integer.MAX_VALUE),
        Duration.ofHours(
            env.integer(
                "CYCLEGAN_RETENTION_MULTIPART_HOURS", DEFAULT_MULTIPART_HOURS, 0, 1_000_000)));
  }

  /** Whether anything is ever deleted. */
  public boolean sweeps() {
    return !requests.isZero() || !results.isZero() || !incompleteUploads.isZero();
  }
}
