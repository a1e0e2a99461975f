package io.cyclegan.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.config.ConfigException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingConfigTest {
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
  void shouldUseDocumentedDefaultsWhenNothingIsSet() {
    TrainingConfig config = TrainingConfig.fromEnv(env());
    assertThat(config.device()).isEqualTo("auto");
    assertThat(config.progressEverySteps()).isEqualTo(50);
    assertThat(config.cacheDir())
        .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "cyclegan-cache"));
    assertThat(config.settings().metricsPort()).isEqualTo(9465);
    assertThat(config.settings().groupId()).isEqualTo("cyclegan-training");
    assertThat(config.settings().topics().trainingCommands())
        .isEqualTo("cyclegan.training.commands");
    assertThat(config.maxAttempts()).isEqualTo(3);
    assertThat(config.bounds().maxImageSize()).isEqualTo(1024);
    assertThat(config.bounds().maxWidth()).isEqualTo(256);
    assertThat(config.bounds().maxGeneratorBlocks()).isEqualTo(24);
    assertThat(config.bounds().maxBatchSize()).isEqualTo(16);
  }

  @Test
  void shouldReadAttemptsAndBoundsWhenSet() {
    TrainingConfig config =
        TrainingConfig.fromEnv(
            env(
                "CYCLEGAN_TRAINING_MAX_ATTEMPTS", "5",
                "CYCLEGAN_TRAINING_MAX_IMAGE_SIZE", "512",
                "CYCLEGAN_TRAINING_MAX_WIDTH", "128",
                "CYCLEGAN_TRAINING_MAX_BLOCKS", "9",
                "CYCLEGAN_TRAINING_MAX_BATCH_SIZE", "4",
                "CYCLEGAN_TRAINING_MEMORY_BUDGET_MB", "2048"));
    assertThat(config.maxAttempts()).isEqualTo(5);
    assertThat(config.bounds().maxImageSize()).isEqualTo(512);
    assertThat(config.bounds().maxWidth()).isEqualTo(128);
    assertThat(config.bounds().maxGeneratorBlocks()).isEqualTo(9);
    assertThat(config.bounds().maxBatchSize()).isEqualTo(4);
    assertThat(config.bounds().memory().bytes()).isEqualTo(2048L << 20);
  }

  @Test
  void shouldNameVariableWhenMaxAttemptsIsZero() {
    assertThatThrownBy(() -> TrainingConfig.fromEnv(env("CYCLEGAN_TRAINING_MAX_ATTEMPTS", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CYCLEGAN_TRAINING_MAX_ATTEMPTS");
  }

  @Test
  void shouldReadTrainingVariablesWhenSet() {
    TrainingConfig config =
        TrainingConfig.fromEnv(
            env(
                "CYCLEGAN_DEVICE", "GPU:1",
                "CYCLEGAN_CACHE_DIR", "/data/cache",
                "CYCLEGAN_PROGRESS_EVERY_STEPS", "7"));
    assertThat(config.device()).isEqualTo("gpu:1");
    assertThat(config.cacheDir()).isEqualTo(Path.of("/data/cache"));
    assertThat(config.progressEverySteps()).isEqualTo(7);
  }

  @Test
  void shouldNameVariableWhenDeviceIsMalformed() {
    assertThatThrownBy(() -> TrainingConfig.fromEnv(env("CYCLEGAN_DEVICE", "tpu")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CYCLEGAN_DEVICE")
        .hasMessageContaining("tpu");
  }

  @Test
  void shouldNameVariableWhenProgressIntervalIsNotPositive() {
    assertThatThrownBy(() -> TrainingConfig.fromEnv(env("CYCLEGAN_PROGRESS_EVERY_STEPS", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CYCLEGAN_PROGRESS_EVERY_STEPS");
  }
}
