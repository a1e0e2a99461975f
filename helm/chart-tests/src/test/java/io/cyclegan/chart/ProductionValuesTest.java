package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** ci/production-values.yaml: credentials as values, and every optional resource on. */
class ProductionValuesTest {

  private static Manifests manifests;

  @BeforeAll
  static void render() {
    manifests = Chart.render("production-values.yaml");
  }

  @Test
  void shouldStoreGivenCredentialsInTheChartSecretOnlyWhenSetAsValues() {
    JsonNode secret = manifests.get("Secret", "cg-cyclegan-pipeline");

    assertThat(decode(secret, "s3-access-key")).isEqualTo("fixture-access-key-91c2");
    assertThat(decode(secret, "s3-secret-key")).isEqualTo("fixture-secret-key-0d8e4b");
    assertThat(decode(secret, "kafka-sasl-jaas-config")).contains("fixture-kafka-password-7f3a");
  }

  static Stream<String> valuesSets() {
    return Chart.valuesSets();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valuesSets")
  void shouldKeepSecretValuesOutOfEveryOtherManifestWhenRendered(String values) {
    Manifests rendered = Chart.render(values);
    List<String> secrets = Workloads.secretValues(rendered);

    for (JsonNode document : rendered.documents()) {
      if ("Secret".equals(document.path("kind").asText())) {
        continue;
      }
      String text = Chart.toJson(document);
      assertThat(secrets)
          .as("secret values in %s", document.at("/metadata/name").asText())
          .noneMatch(text::contains);
      assertThat(text).doesNotContain("fixture-kafka-password", "fixture-secret-key");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valuesSets")
  void shouldNeverSetCredentialVariablesAsPlainValuesWhenRendered(String values) {
    Manifests rendered = Chart.render(values);
    for (String kind : new String[] {"Deployment", "StatefulSet", "Job"}) {
      for (JsonNode workload : rendered.ofKind(kind)) {
        for (JsonNode container : workload.at("/spec/template/spec/containers")) {
          for (JsonNode env : container.path("env")) {
            String name = env.path("name").asText();
            if (name.matches(".*(SECRET|PASSWORD|JAAS|ACCESS_KEY).*")) {
              assertThat(env.has("value"))
                  .as("%s in %s is a plain value", name, workload.at("/metadata/name").asText())
                  .isFalse();
              assertThat(env.at("/valueFrom/secretKeyRef/name").asText()).isNotEmpty();
            }
          }
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ingest", "training", "inference"})
  void shouldReferenceTheChartSecretAndRollPodsWhenItChanges(String service) {
    JsonNode workload = manifests.workload(service);

    assertThat(Workloads.env(workload, "S3_SECRET_KEY").at("/valueFrom/secretKeyRef/name").asText())
        .isEqualTo("cg-cyclegan-pipeline");
    assertThat(
            Workloads.env(workload, "KAFKA_SASL_JAAS_CONFIG")
                .at("/valueFrom/secretKeyRef/key")
                .asText())
        .isEqualTo("kafka-sasl-jaas-config");
    assertThat(workload.at("/spec/template/metadata/annotations/checksum~1secret").asText())
        .hasSize(64);
    assertThat(Manifests.container(workload).path("image").asText())
        .startsWith("registry.example.com/ml/cyclegan/")
        .endsWith(":0.1.0");
    assertThat(Manifests.podSpec(workload).at("/imagePullSecrets/0/name").asText())
        .isEqualTo("regcred");
  }

  @Test
  void shouldRenderTheTopicJobAsAnOrdinaryResourceWhenHooksAreOff() {
    JsonNode job = manifests.get("Job", "cg-cyclegan-pipeline-create-topics");
    JsonNode container = job.at("/spec/template/spec/containers/0");

    assertThat(job.at("/metadata/annotations").has("helm.sh/hook")).isFalse();
    assertThat(container.path("image").asText())
        .isEqualTo("registry.example.com/ml/cyclegan/cli:0.1.0");
    assertThat(Manifests.list(container.path("args")))
        .extracting(JsonNode::asText)
        .containsExactly("admin", "create-topics", "--partitions", "6", "--dlq-partitions", "1");
    assertThat(Manifests.list(container.path("env")))
        .extracting(e -> e.path("name").asText())
        .contains(
            "KAFKA_BOOTSTRAP_SERVERS",
            "KAFKA_SECURITY_PROTOCOL",
            "KAFKA_SASL_MECHANISM",
            "KAFKA_SASL_JAAS_CONFIG",
            "CYCLEGAN_TOPIC_TRANSLATE_REQUESTS",
            "CYCLEGAN_DLQ_SUFFIX");
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(job.at("/spec/template/spec/restartPolicy").asText()).isEqualTo("Never");
  }

  @Test
  void shouldRouteTheIngressToTheIngestApiWhenEnabled() {
    JsonNode ingress = manifests.get("Ingress", "cg-cyclegan-pipeline-ingest");

    assertThat(ingress.at("/spec/ingressClassName").asText()).isEqualTo("nginx");
    assertThat(ingress.at("/spec/rules/0/host").asText()).isEqualTo("cyclegan.example.com");
    assertThat(ingress.at("/spec/rules/0/http/paths/0/backend/service/name").asText())
        .isEqualTo("cg-cyclegan-pipeline-ingest");
    assertThat(ingress.at("/spec/rules/0/http/paths/0/backend/service/port/name").asText())
        .isEqualTo("http");
    assertThat(ingress.at("/spec/tls/0/secretName").asText()).isEqualTo("cyclegan-tls");
  }

  @Test
  void shouldCreateServiceMonitorsAndDisruptionBudgetsWhenEnabled() {
    assertThat(manifests.ofKind("ServiceMonitor"))
        .hasSize(3)
        .allSatisfy(
            monitor -> {
              assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
              assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("metrics");
            });
    assertThat(manifests.ofKind("PodDisruptionBudget"))
        .extracting(p -> p.at("/metadata/name").asText())
        .containsExactlyInAnyOrder("cg-cyclegan-pipeline-ingest", "cg-cyclegan-pipeline-inference");
    assertThat(
            manifests
                .workload("training")
                .at("/spec/volumeClaimTemplates/0/spec/resources/requests/storage")
                .asText())
        .isEqualTo("50Gi");
  }

  private static String decode(JsonNode secret, String key) {
    return new String(Base64.getDecoder().decode(secret.at("/data/" + key).asText()));
  }
}
