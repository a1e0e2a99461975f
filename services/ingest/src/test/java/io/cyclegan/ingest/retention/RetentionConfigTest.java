package io.cyclegan.ingest.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.config.ConfigException;
import io.cyclegan.common.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionConfigTest {
  @Test
  void shouldKeepRequestsAndResultsSevenDaysAndSweepHourlyByDefault() {
    RetentionConfig c = RetentionConfig.fromEnv(new Env(Map.of()));

    assertThat(c.requests()).isEqualTo(Duration.ofDays(7));
    assertThat(c.results()).isEqualTo(Duration.ofDays(7));
    assertThat(c.sweepEvery()).isEqualTo(Duration.ofHours(1));
    assertThat(c.maxObjectsPerSweep()).isEqualTo(10_000);
    assertThat(c.incompleteUploads()).isEqualTo(Duration.ofDays(1));
    assertThat(c.sweeps()).isTrue();
  }

  @Test
  void shouldNotSweepWhenEveryLifetimeIsZero() {
    RetentionConfig c =
        RetentionConfig.fromEnv(
            new Env(
                Map.of(
                    "CYCLEGAN_RETENTION_REQUESTS_HOURS", "0",
                    "CYCLEGAN_RETENTION_RESULTS_HOURS", "0",
                    "CYCLEGAN_RETENTION_MULTIPART_HOURS", "0")));

    assertThat(c.sweeps()).isFalse();
  }

  @Test
  void shouldRefuseANegativeLifetimeNamingTheVariable() {
    assertThatThrownBy(
            () ->
                RetentionConfig.fromEnv(new Env(Map.of("CYCLEGAN_RETENTION_RESULTS_HOURS", "-1"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CYCLEGAN_RETENTION_RESULTS_HOURS");
  }
}
