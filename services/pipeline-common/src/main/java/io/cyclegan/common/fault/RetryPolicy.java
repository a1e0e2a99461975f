package io.cyclegan.common.fault;

import io.cyclegan.common.config.Env;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a service waits out a transient fault: capped exponential backoff with jitter, for at most
 * the outage budget. A broker or store outage shorter than the budget delays work and never fails
 * it; only a longer one (or a permanent error) does.
 *
 * @param firstBackoff the first wait
 * @param maxBackoff the cap of one wait
 * @param budget how long one operation keeps retrying a transient fault before giving up
 */
public record RetryPolicy(Duration firstBackoff, Duration maxBackoff, Duration budget) {

  /** The defaults: 200 ms doubling up to 10 s, for 30 minutes. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofMinutes(30));

  public RetryPolicy {
    if (firstBackoff.isNegative()
        || maxBackoff.compareTo(firstBackoff) < 0
        || budget.isNegative()) {
      throw new IllegalArgumentException(
          "retry policy needs 0 <= firstBackoff <= maxBackoff and budget >= 0");
    }
  }

  /**
   * {@code CYCLEGAN_OUTAGE_BUDGET_SECONDS} (default 1800) and {@code CYCLEGAN_RETRY_MAX_BACKOFF_MS}
   * (default 10000).
   */
  public static RetryPolicy fromEnv(Env env) {
    long budget =
        env.longValue(
            "CYCLEGAN_OUTAGE_BUDGET_SECONDS", DEFAULT.budget.toSeconds(), 1, 7L * 24 * 3600);
    long max =
        env.longValue("CYCLEGAN_RETRY_MAX_BACKOFF_MS", DEFAULT.maxBackoff.toMillis(), 200, 600_000);
    return new RetryPolicy(
        DEFAULT.firstBackoff, Duration.ofMillis(max), Duration.ofSeconds(budget));
  }

  public RetryPolicy withBudget(Duration newBudget) {
    return new RetryPolicy(firstBackoff, maxBackoff, newBudget);
  }

  /**
   * The wait before retry number {@code attempt} (1 = the first retry): {@code firstBackoff *
   * 2^(n-1)} capped at {@code maxBackoff}, then drawn uniformly from its upper half ("equal
   * jitter"), so that many clients that lost the same server do not come back in step.
   */
  public Duration backoff(int attempt) {
    long first = Math.max(1, firstBackoff.toMillis());
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    long capped = Math.min(maxBackoff.toMillis(), first << shift);
    long half = capped / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(capped - half + 1));
  }
}
