package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ci/existing-secret-values.yaml: an existing Kafka and S3 store, credentials in user Secrets. */
class ExistingSecretValuesTest {

  private static Manifests manifests;

  @BeforeAll
  static void render() {
    manifests = Chart.render("existing-secret-values.yaml");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ingest", "training", "inference"})
  void shouldReferenceTheExistingSecretsWithTheirKeysWhenGiven(String service) {
    JsonNode workload = manifests.workload(service);

    assertThat(secretRef(workload, "S3_ACCESS_KEY")).isEqualTo("cyclegan-s3/AWS_ACCESS_KEY_ID");
    assertThat(secretRef(workload, "S3_SECRET_KEY")).isEqualTo("cyclegan-s3/AWS_SECRET_ACCESS_KEY");
    assertThat(secretRef(workload, "KAFKA_SASL_JAAS_CONFIG"))
        .isEqualTo("cyclegan-kafka-user/sasl.jaas.config");
  }

  @Test
  void shouldMakeNoSecretAndNoTrialStackWhenEverythingIsExternal() {
    assertThat(manifests.ofKind("Secret")).isEmpty();
    assertThat(manifests.kinds())
        .noneMatch(k -> k.endsWith("-kafka") || k.endsWith("-minio") || k.endsWith("-generated"));
  }

  @Test
  void shouldPassKafkaClientPropertiesAsKafkaVariablesWhenConfigured() {
    JsonNode common = manifests.get("ConfigMap", "cg-cyclegan-pipeline-common").path("data");

    assertThat(common.path("KAFKA_BOOTSTRAP_SERVERS").asText())
        .isEqualTo("my-cluster-kafka-bootstrap.kafka:9093");
    assertThat(common.path("KAFKA_SECURITY_PROTOCOL").asText()).isEqualTo("SASL_SSL");
    assertThat(common.path("KAFKA_SASL_MECHANISM").asText()).isEqualTo("SCRAM-SHA-512");
    assertThat(common.path("S3_ENDPOINT").asText()).isEqualTo("https://s3.eu-west-1.amazonaws.com");
    assertThat(common.path("S3_REGION").asText()).isEqualTo("eu-west-1");
    assertThat(common.path("S3_BUCKET").asText()).isEqualTo("my-cyclegan-bucket");
    assertThat(Manifests.fieldNames(common)).doesNotContain("KAFKA_SASL_JAAS_CONFIG");
  }

  private static String secretRef(JsonNode workload, String name) {
    JsonNode ref = Workloads.env(workload, name).at("/valueFrom/secretKeyRef");
    return ref.path("name").asText() + "/" + ref.path("key").asText();
  }
}
