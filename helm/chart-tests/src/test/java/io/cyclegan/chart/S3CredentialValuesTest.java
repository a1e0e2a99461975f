package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** S3 credential sources, and private CAs for Kafka and S3, as the services read them. */
class S3CredentialValuesTest {

  @ParameterizedTest
  @ValueSource(strings = {"ingest", "training", "inference"})
  void shouldSetNoKeysAndNoSecretForWebIdentity(String service) {
    Manifests manifests = Chart.render("web-identity-values.yaml");
    JsonNode workload = manifests.workload(service);

    assertThat(Workloads.configValue(manifests, workload, "S3_CREDENTIALS"))
        .isEqualTo("web-identity");
    assertThat(Workloads.envNames(manifests, workload))
        .doesNotContain("S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_CA_FILE");
    assertThat(manifests.find("Secret", Chart.RELEASE + "-cyclegan-pipeline")).isEmpty();
    assertThat(
            manifests
                .get("ServiceAccount", Chart.RELEASE + "-cyclegan-pipeline")
                .at("/metadata/annotations/eks.amazonaws.com~1role-arn")
                .asText())
        .isEqualTo("arn:aws:iam::123456789012:role/cyclegan-pipeline");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ingest", "training", "inference"})
  void shouldMountThePrivateCasAndPointTheClientsAtThem(String service) {
    Manifests manifests = Chart.render("production-values.yaml");
    JsonNode workload = manifests.workload(service);

    assertThat(Workloads.configValue(manifests, workload, "S3_CREDENTIALS")).isEqualTo("static");
    assertThat(Workloads.configValue(manifests, workload, "S3_ENDPOINT")).startsWith("https://");
    assertThat(Workloads.configValue(manifests, workload, "S3_CA_FILE"))
        .isEqualTo("/etc/cyclegan/s3-ca/ca.crt");
    assertThat(Workloads.configValue(manifests, workload, "KAFKA_SECURITY_PROTOCOL"))
        .isEqualTo("SASL_SSL");
    assertThat(Workloads.configValue(manifests, workload, "KAFKA_SSL_TRUSTSTORE_TYPE"))
        .isEqualTo("PEM");
    assertThat(Workloads.configValue(manifests, workload, "KAFKA_SSL_TRUSTSTORE_LOCATION"))
        .isEqualTo("/etc/cyclegan/kafka-ca/ca.crt");
    JsonNode pod = Manifests.podSpec(workload);
    assertThat(pod.toString()).contains("\"configMap\":{\"name\":\"minio-ca\"}");
    assertThat(pod.toString()).contains("\"configMap\":{\"name\":\"kafka-ca\"}");
    assertThat(Manifests.container(workload).path("volumeMounts").toString())
        .contains("/etc/cyclegan/s3-ca", "/etc/cyclegan/kafka-ca");
  }

  @org.junit.jupiter.api.Test
  void shouldRefuseKeysWithAnotherSourceAndTheTrialMinioWithoutKeys() {
    assertThatThrownBy(
            () -> Chart.render("production-values.yaml", Map.of("s3.auth.source", "iam")))
        .hasMessageContaining("used only with source static");
    assertThatThrownBy(() -> Chart.render(null, Map.of("s3.auth.source", "web-identity")))
        .hasMessageContaining("trial MinIO signs in with static keys only");
  }
}
