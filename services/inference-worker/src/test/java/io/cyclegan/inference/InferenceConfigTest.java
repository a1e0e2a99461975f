package io.cyclegan.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InferenceConfigTest {
  private static final Map<String, String> REQUIRED =
      Map.of("S3_ACCESS_KEY", "a", "S3_SECRET_KEY", "s");

  @Test
  void shouldUseTheDocumentedDefaultsWhenNothingIsSet() {
    InferenceConfig c = InferenceConfig.fromEnv(REQUIRED);
    assertThat(c.device()).isEqualTo("auto");
    assertThat(c.maxBatch()).isEqualTo(8);
    assertThat(c.maxBatchDelayMs()).isEqualTo(20);
    assertThat(c.maxEdge()).isEqualTo(1024);
    assertThat(c.modelCacheSize()).isEqualTo(4);
    assertThat(c.requestDeadline()).isEqualTo(java.time.Duration.ofMinutes(10));
    assertThat(c.modelPollInterval()).isEqualTo(java.time.Duration.ofSeconds(60));
    assertThat(c.service().metricsPort()).isEqualTo(9466);
    assertThat(c.service().groupId()).isEqualTo("cyclegan-inference");
    assertThat(c.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(c.modelThreads()).isZero();
  }

  @Test
  void shouldReadEveryInferenceVariableWhenSet() {
    Map<String, String> env = new java.util.HashMap<>(REQUIRED);
    env.putAll(
        Map.of(
            "CYCLEGAN_DEVICE", "cpu",
            "CYCLEGAN_MAX_BATCH", "16",
            "CYCLEGAN_MAX_BATCH_DELAY_MS", "5",
            "CYCLEGAN_MAX_EDGE", "512",
            "CYCLEGAN_MODEL_CACHE_SIZE", "2",
            "CYCLEGAN_INFERENCE_REQUEST_DEADLINE_SECONDS", "30",
            "CYCLEGAN_MODEL_POLL_SECONDS", "5",
            "CYCLEGAN_INFERENCE_THREADS", "1"));
    InferenceConfig c = InferenceConfig.fromEnv(env);
    assertThat(c.modelThreads()).isEqualTo(1);
    assertThat(c.requestDeadline()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(c.modelPollInterval()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(c.device()).isEqualTo("cpu");
    assertThat(c.maxBatch()).isEqualTo(16);
    assertThat(c.maxBatchDelayMs()).isEqualTo(5);
    assertThat(c.maxEdge()).isEqualTo(512);
    assertThat(c.modelCacheSize()).isEqualTo(2);
    assertThat(c.maxInFlight()).isEqualTo(64);
  }

  @Test
  void shouldNameTheVariableWhenAValueIsBad() {
    Map<String, String> env = new java.util.HashMap<>(REQUIRED);
    env.put("CYCLEGAN_MAX_BATCH", "0");
    assertThatThrownBy(() -> InferenceConfig.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CYCLEGAN_MAX_BATCH");
    env.put("CYCLEGAN_MAX_BATCH", "4");
    env.put("CYCLEGAN_DEVICE", "tpu");
    assertThatThrownBy(() -> InferenceConfig.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CYCLEGAN_DEVICE");
  }
}
