package io.cyclegan.common.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.config.ConfigException;
import io.cyclegan.common.config.Env;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy =
      new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofMinutes(1));

  @Test
  void shouldDoubleEachBackoffWithinTheUpperHalfOfItsStep() {
    for (int attempt = 1; attempt <= 4; attempt++) {
      long step = 100L << (attempt - 1);
      for (int i = 0; i < 200; i++) {
        assertThat(policy.backoff(attempt).toMillis()).isBetween(step / 2, step);
      }
    }
  }

  @Test
  void shouldCapTheBackoffHoweverManyAttempts() {
    for (int attempt : new int[] {6, 10, 31, 1000}) {
      assertThat(policy.backoff(attempt).toMillis()).isBetween(1000L, 2000L);
    }
  }

  @Test
  void shouldJitterSoThatClientsDoNotComeBackInStep() {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      seen.add(policy.backoff(8).toMillis());
    }
    assertThat(seen).hasSizeGreaterThan(10);
  }

  @Test
  void shouldDefaultToAtLeastThirtyMinutesOfOutageBudget() {
    RetryPolicy fromEnv = RetryPolicy.fromEnv(new Env(Map.of()));

    assertThat(fromEnv.budget()).isGreaterThanOrEqualTo(Duration.ofMinutes(30));
    assertThat(fromEnv).isEqualTo(RetryPolicy.DEFAULT);
  }

  @Test
  void shouldReadTheBudgetAndTheCapFromTheEnvironment() {
    RetryPolicy fromEnv =
        RetryPolicy.fromEnv(
            new Env(
                Map.of(
                    "CYCLEGAN_OUTAGE_BUDGET_SECONDS", "7200",
                    "CYCLEGAN_RETRY_MAX_BACKOFF_MS", "30000")));

    assertThat(fromEnv.budget()).isEqualTo(Duration.ofHours(2));
    assertThat(fromEnv.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void shouldRefuseABudgetOfZero() {
    assertThatThrownBy(
            () -> RetryPolicy.fromEnv(new Env(Map.of("CYCLEGAN_OUTAGE_BUDGET_SECONDS", "0"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CYCLEGAN_OUTAGE_BUDGET_SECONDS");
  }
}
