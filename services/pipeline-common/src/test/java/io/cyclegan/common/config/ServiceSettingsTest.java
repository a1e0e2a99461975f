package io.cyclegan.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceSettingsTest {
  private static final Map<String, String> MINIMAL =
      Map.of("S3_ACCESS_KEY", "AKIAEXAMPLE", "S3_SECRET_KEY", "verysecretvalue");

  @Test
  void shouldApplyDefaultsWhenOnlyCredentialsAreGiven() {
    ServiceSettings s = ServiceSettings.fromEnv(new Env(MINIMAL), "ingest", 9464);

    assertThat(s.kafka().bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(s.s3().endpoint()).isEqualTo("http://localhost:9000");
    assertThat(s.s3().bucket()).isEqualTo("cyclegan");
    assertThat(s.metricsPort()).isEqualTo(9464);
    assertThat(s.groupId()).isEqualTo("cyclegan-ingest");
    assertThat(s.topics().imagesIn()).isEqualTo("cyclegan.images.in");
    assertThat(s.staticMembership()).isFalse();
  }

  @Test
  void shouldStopWithOneLineNamingAMissingVariable() {
    assertThatThrownBy(
            () -> ServiceSettings.fromEnv(new Env(Map.of("S3_ACCESS_KEY", "a")), "ingest", 1))
        .isInstanceOf(ConfigException.class)
        .hasMessage("S3_SECRET_KEY: missing, expected the S3 secret key");
  }

  @Test
  void shouldNameAMalformedVariableAndWhatItExpected() {
    Map<String, String> env = new java.util.HashMap<>(MINIMAL);
    env.put("CYCLEGAN_METRICS_PORT", "ninety");

    assertThatThrownBy(() -> ServiceSettings.fromEnv(new Env(env), "ingest", 1))
        .isInstanceOf(ConfigException.class)
        .hasMessage("CYCLEGAN_METRICS_PORT: expected an integer, got 'ninety'");
  }

  @Test
  void shouldPassAnyKafkaVariableThroughAsAClientProperty() {
    Map<String, String> env = new java.util.HashMap<>(MINIMAL);
    env.put("KAFKA_BOOTSTRAP_SERVERS", "broker:9093");
    env.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
    env.put("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
    env.put(
        "KAFKA_SASL_JAAS_CONFIG",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\""
            + " password=\"hunter2\";");

    KafkaSettings kafka = ServiceSettings.fromEnv(new Env(env), "training", 1).kafka();

    assertThat(kafka.toProperties())
        .containsEntry("bootstrap.servers", "broker:9093")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsKey("sasl.jaas.config");
  }

  @Test
  void shouldNeverPrintSecrets() {
    Map<String, String> env = new java.util.HashMap<>(MINIMAL);
    env.put("KAFKA_SASL_JAAS_CONFIG", "... password=\"hunter2\";");
    env.put("KAFKA_SSL_KEYSTORE_PASSWORD", "storepass");

    String printed = ServiceSettings.fromEnv(new Env(env), "inference", 1).toString();

    assertThat(printed)
        .doesNotContain("hunter2")
        .doesNotContain("storepass")
        .doesNotContain("verysecretvalue")
        .doesNotContain("AKIAEXAMPLE")
        .contains("******");
  }

  @Test
  void shouldUseStaticMembershipOnlyWhenAnInstanceIdIsGiven() {
    Map<String, String> env = new java.util.HashMap<>(MINIMAL);
    env.put("CYCLEGAN_INSTANCE_ID", "training-0");

    ServiceSettings s = ServiceSettings.fromEnv(new Env(env), "training", 1);

    assertThat(s.staticMembership()).isTrue();
    assertThat(s.instanceId()).isEqualTo("training-0");
  }

  @Test
  void shouldOverrideTopicNames() {
    Map<String, String> env = new java.util.HashMap<>(MINIMAL);
    env.put("CYCLEGAN_TOPIC_IMAGES_IN", "team-a.images");
    env.put("CYCLEGAN_DLQ_SUFFIX", "-dead");

    ServiceSettings s = ServiceSettings.fromEnv(new Env(env), "ingest", 1);

    assertThat(s.topics().imagesIn()).isEqualTo("team-a.images");
    assertThat(s.topics().dlq("team-a.images")).isEqualTo("team-a.images-dead");
  }

  @Test
  void shouldRefuseALogFormatLogbackHasNoFileFor() {
    for (String bad : new String[] {"", "xml", "JSON"}) {
      java.util.Map<String, String> env = new java.util.HashMap<>(MINIMAL);
      env.put("CYCLEGAN_LOG_FORMAT", bad);

      assertThatThrownBy(() -> ServiceSettings.fromEnv(new Env(env), "ingest", 1))
          .as("CYCLEGAN_LOG_FORMAT=%s", bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("CYCLEGAN_LOG_FORMAT");
    }
    java.util.Map<String, String> json = new java.util.HashMap<>(MINIMAL);
    json.put("CYCLEGAN_LOG_FORMAT", "json");
    assertThat(ServiceSettings.fromEnv(new Env(json), "ingest", 1)).isNotNull();
  }
}
