package io.cyclegan.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.config.ConfigException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionConfigTest {
  private static Map<String, String> env(String... kv) {
    Map<String, String> m = new HashMap<>();
    m.put("S3_ACCESS_KEY", "a");
    m.put("S3_SECRET_KEY", "s");
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void shouldKeepThreeCheckpointsAndCapTheCacheAtSixteenGibibytesByDefault() {
    TrainingConfig.Retention r = TrainingConfig.fromEnv(env()).retention();

    assertThat(r.checkpointsKept()).isEqualTo(3);
    assertThat(r.cacheMaxBytes()).isEqualTo(16L << 30);
  }

  @Test
  void shouldRefuseToKeepNoCheckpointAtAll() {
    assertThatThrownBy(() -> TrainingConfig.fromEnv(env("CYCLEGAN_CHECKPOINTS_KEEP", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CYCLEGAN_CHECKPOINTS_KEEP");
  }

  @Test
  void shouldReadACacheCapOfZeroAsNoCap() {
    assertThat(
            TrainingConfig.fromEnv(env("CYCLEGAN_CACHE_MAX_BYTES", "0"))
                .retention()
                .cacheMaxBytes())
        .isZero();
  }
}
