package io.cyclegan.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.config.ConfigException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestConfigTest {

  private static Map<String, String> minimal() {
    Map<String, String> env = new HashMap<>();
    env.put("S3_ACCESS_KEY", "k");
    env.put("S3_SECRET_KEY", "s");
    env.put("CYCLEGAN_API_TOKENS_FILE", "/etc/cyclegan/api-tokens");
    return env;
  }

  @Test
  void shouldUseTheDocumentedDefaultsWhenOnlyCredentialsAreSet() {
    IngestConfig config = IngestConfig.fromEnv(minimal());

    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.maxImageBytes()).isEqualTo(1_048_576);
    assertThat(config.maxImagePixels()).isEqualTo(16_777_216);
    assertThat(config.maxUploadBytes()).isEqualTo(104_857_600);
    assertThat(config.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(config.maxImportBytes()).isEqualTo(209_715_200);
    assertThat(config.maxBatchDecodedBytes()).isEqualTo(268_435_456);
    assertThat(config.settings().metricsPort()).isEqualTo(9464);
    assertThat(config.settings().groupId()).isEqualTo("cyclegan-ingest");
    assertThat(config.settings().topics().imagesIn()).isEqualTo("cyclegan.images.in");
    assertThat(config.settings().kafka().bootstrapServers()).isEqualTo("localhost:9092");
  }

  @Test
  void shouldReadEveryIngestVariableWhenSet() {
    Map<String, String> env = minimal();
    env.put("CYCLEGAN_HTTP_PORT", "0");
    env.put("CYCLEGAN_MAX_IMAGE_BYTES", "2048");
    env.put("CYCLEGAN_MAX_IMAGE_PIXELS", "4096");
    env.put("CYCLEGAN_MAX_UPLOAD_BYTES", "8192");
    env.put("CYCLEGAN_INGEST_THREADS", "3");
    env.put("CYCLEGAN_MAX_IMPORT_BYTES", "65536");
    env.put("CYCLEGAN_INGEST_MAX_BATCH_DECODED_BYTES", "1000000");
    env.put("CYCLEGAN_GROUP_ID", "g1");
    env.put("CYCLEGAN_TOPIC_IMAGES_IN", "my.images");
    env.put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9093");

    IngestConfig config = IngestConfig.fromEnv(env);

    assertThat(config.httpPort()).isZero();
    assertThat(config.maxImageBytes()).isEqualTo(2048);
    assertThat(config.maxImagePixels()).isEqualTo(4096);
    assertThat(config.maxUploadBytes()).isEqualTo(8192);
    assertThat(config.threads()).isEqualTo(3);
    assertThat(config.maxImportBytes()).isEqualTo(65536);
    assertThat(config.maxBatchDecodedBytes()).isEqualTo(1_000_000);
    assertThat(config.settings().groupId()).isEqualTo("g1");
    assertThat(config.settings().topics().imagesIn()).isEqualTo("my.images");
    assertThat(config.settings().kafka().bootstrapServers()).isEqualTo("kafka:9093");
  }

  @Test
  void shouldNameTheVariableWhenAValueIsMalformed() {
    Map<String, String> env = minimal();
    env.put("CYCLEGAN_INGEST_THREADS", "many");

    assertThatThrownBy(() -> IngestConfig.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("CYCLEGAN_INGEST_THREADS:")
        .hasMessageContaining("'many'");
  }

  @Test
  void shouldRefuseAPortOutOfRange() {
    Map<String, String> env = minimal();
    env.put("CYCLEGAN_HTTP_PORT", "70000");

    assertThatThrownBy(() -> IngestConfig.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("CYCLEGAN_HTTP_PORT:");
  }

  @Test
  void shouldRefuseAnUploadLimitBelowTheImageLimit() {
    Map<String, String> env = minimal();
    env.put("CYCLEGAN_MAX_IMAGE_BYTES", "4096");
    env.put("CYCLEGAN_MAX_UPLOAD_BYTES", "1024");

    assertThatThrownBy(() -> IngestConfig.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("CYCLEGAN_MAX_UPLOAD_BYTES:")
        .hasMessageContaining("4096");
  }

  @Test
  void shouldRequireTheStoreCredentialsWhenMissing() {
    assertThatThrownBy(() -> IngestConfig.fromEnv(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("S3_ACCESS_KEY:");
  }

  @Test
  void shouldNotPrintTheSecretKeyWhenShown() {
    Map<String, String> env = minimal();
    env.put("S3_SECRET_KEY", "very-secret-value");

    assertThat(IngestConfig.fromEnv(env).toString()).doesNotContain("very-secret-value");
  }
}
