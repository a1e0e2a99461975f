package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The chart with nothing set: a trial install with its own Kafka and MinIO. */
class DefaultValuesTest {

  private static Manifests manifests;

  @BeforeAll
  static void render() {
    manifests = Chart.renderDefaults();
  }

  @Test
  void shouldRenderEveryServiceAndTheTrialStackWhenNothingIsSet() {
    assertThat(manifests.kinds())
        .contains(
            "Deployment/cg-cyclegan-pipeline-ingest",
            "StatefulSet/cg-cyclegan-pipeline-training",
            "Deployment/cg-cyclegan-pipeline-inference",
            "Service/cg-cyclegan-pipeline-ingest",
            "Service/cg-cyclegan-pipeline-training-headless",
            "Service/cg-cyclegan-pipeline-inference-metrics",
            "ConfigMap/cg-cyclegan-pipeline-common",
            "StatefulSet/cg-cyclegan-pipeline-kafka",
            "StatefulSet/cg-cyclegan-pipeline-minio")
        .doesNotContain(
            "Ingress/cg-cyclegan-pipeline-ingest",
            "ScaledObject/cg-cyclegan-pipeline-inference",
            "HorizontalPodAutoscaler/cg-cyclegan-pipeline-inference");
    assertThat(manifests.ofKind("ServiceMonitor")).isEmpty();
    assertThat(manifests.ofKind("KafkaTopic")).isEmpty();
    // The topic Job is a Helm hook: `helm template` in the JVM leaves hooks out.
    assertThat(manifests.ofKind("Job")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "ingest, cyclegan/ingest:0.1.0",
    "training, cyclegan/training-worker:0.1.0",
    "inference, cyclegan/inference-worker:0.1.0"
  })
  void shouldUseTheCpuImageTaggedWithTheAppVersionWhenNoTagIsSet(String service, String image) {
    assertThat(Manifests.container(manifests.workload(service)).path("image").asText())
        .isEqualTo(image);
  }

  @ParameterizedTest
  @CsvSource({"ingest, 9464", "training, 9465", "inference, 9466"})
  void shouldProbeHealthAndReadinessOnTheSidePortWhenRendered(String service, int port) {
    JsonNode container = Manifests.container(manifests.workload(service));

    assertThat(Manifests.list(container.path("ports")))
        .anySatisfy(
            p -> {
              assertThat(p.path("name").asText()).isEqualTo("metrics");
              assertThat(p.path("containerPort").asInt()).isEqualTo(port);
            });
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
    assertThat(container.at("/livenessProbe/httpGet/port").asText()).isEqualTo("metrics");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
    assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo("metrics");
    assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/healthz");
    assertThat(
            Workloads.configValue(manifests, manifests.workload(service), "CYCLEGAN_METRICS_PORT"))
        .isEqualTo(String.valueOf(port));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ingest", "training", "inference"})
  void shouldRunNonRootWithReadOnlyRootAndNoCapabilitiesWhenRendered(String service) {
    JsonNode workload = manifests.workload(service);
    JsonNode pod = Manifests.podSpec(workload);
    JsonNode container = Manifests.container(workload);

    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/runAsUser").asInt()).isPositive();
    assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(container.at("/securityContext/allowPrivilegeEscalation").isBoolean()).isTrue();
    assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(Manifests.list(container.at("/securityContext/capabilities/drop")))
        .extracting(JsonNode::asText)
        .containsExactly("ALL");
    assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
    assertThat(pod.path("enableServiceLinks").asBoolean(true))
        .as("service links inject <SERVICE>_PORT variables that look like configuration")
        .isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ingest", "training", "inference"})
  void shouldGiveWritableTmpAndDjlCacheVolumesWhenTheRootIsReadOnly(String service) {
    JsonNode workload = manifests.workload(service);
    JsonNode container = Manifests.container(workload);

    assertThat(Manifests.list(container.path("volumeMounts")))
        .extracting(m -> m.path("mountPath").asText())
        .contains("/tmp", "/var/cache/djl");
    assertThat(Manifests.list(Manifests.podSpec(workload).path("volumes")))
        .filteredOn(v -> v.path("name").asText().equals("djl-cache"))
        .singleElement()
        .satisfies(v -> assertThat(v.at("/emptyDir/sizeLimit").asText()).isEqualTo("2Gi"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ingest", "training", "inference"})
  void shouldTakeCredentialsFromTheGeneratedSecretWhenTrialMinioHasNoCredentials(String service) {
    JsonNode workload = manifests.workload(service);

    for (String name : new String[] {"S3_ACCESS_KEY", "S3_SECRET_KEY"}) {
      JsonNode env = Workloads.env(workload, name);
      assertThat(env.has("value")).as("%s must not be a plain value", name).isFalse();
      assertThat(env.at("/valueFrom/secretKeyRef/name").asText())
          .isEqualTo("cg-cyclegan-pipeline-generated");
    }
    assertThat(Workloads.envNames(manifests, workload)).doesNotContain("KAFKA_SASL_JAAS_CONFIG");
  }

  @Test
  void shouldPointServicesAtTheTrialKafkaAndMinioWhenNoEndpointIsSet() {
    JsonNode common = manifests.get("ConfigMap", "cg-cyclegan-pipeline-common").path("data");

    assertThat(common.path("KAFKA_BOOTSTRAP_SERVERS").asText())
        .isEqualTo("cg-cyclegan-pipeline-kafka:9092");
    assertThat(common.path("S3_ENDPOINT").asText())
        .isEqualTo("http://cg-cyclegan-pipeline-minio:9000");
    JsonNode minio =
        Manifests.container(manifests.get("StatefulSet", "cg-cyclegan-pipeline-minio"));
    assertThat(minio.path("image").asText())
        .isEqualTo("docker.io/minio/minio:RELEASE.2025-04-22T22-12-26Z");
    assertThat(Manifests.list(minio.path("env")))
        .filteredOn(e -> e.path("name").asText().startsWith("MINIO_ROOT_"))
        .hasSize(2)
        .allSatisfy(
            e ->
                assertThat(e.at("/valueFrom/secretKeyRef/name").asText())
                    .isEqualTo("cg-cyclegan-pipeline-generated"));
    JsonNode kafka =
        Manifests.container(manifests.get("StatefulSet", "cg-cyclegan-pipeline-kafka"));
    assertThat(kafka.path("image").asText()).isEqualTo("docker.io/apache/kafka:4.1.1");
    assertThat(Manifests.list(kafka.path("env")))
        .anySatisfy(
            e -> {
              assertThat(e.path("name").asText()).isEqualTo("KAFKA_PROCESS_ROLES");
              assertThat(e.path("value").asText()).isEqualTo("broker,controller");
            });
  }

  @Test
  void shouldGiveTrainingStableIdentitiesAndTimeToCheckpointWhenRendered() {
    JsonNode training = manifests.workload("training");
    JsonNode pod = Manifests.podSpec(training);

    assertThat(training.at("/spec/serviceName").asText())
        .isEqualTo("cg-cyclegan-pipeline-training-headless");
    assertThat(pod.path("terminationGracePeriodSeconds").asInt()).isEqualTo(600);
    assertThat(Manifests.list(pod.path("volumes")))
        .filteredOn(v -> v.path("name").asText().equals("dataset-cache"))
        .singleElement()
        .satisfies(v -> assertThat(v.at("/emptyDir/sizeLimit").asText()).isEqualTo("20Gi"));
    assertThat(Workloads.configValue(manifests, training, "CYCLEGAN_CACHE_DIR"))
        .isEqualTo("/var/cache/cyclegan");
    assertThat(Workloads.configValue(manifests, training, "CYCLEGAN_DEVICE")).isEqualTo("auto");
  }

  @Test
  void shouldRequestNoGpuWhenGpuIsNotEnabled() {
    assertThat(manifests.text()).doesNotContain("nvidia.com/gpu:");
    for (String service : Workloads.SERVICES) {
      assertThat(Manifests.podSpec(manifests.workload(service)).has("nodeSelector")).isFalse();
      assertThat(Manifests.podSpec(manifests.workload(service)).has("tolerations")).isFalse();
    }
  }

  @ParameterizedTest
  @CsvSource({"ingest, 9464", "training, 9465", "inference, 9466"})
  void shouldAnnotatePodsForPrometheusWhenPodAnnotationsAreOn(String service, String port) {
    JsonNode annotations = manifests.workload(service).at("/spec/template/metadata/annotations");

    assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
    assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(port);
    assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
    assertThat(annotations.path("checksum/config").asText()).hasSize(64);
  }

  @Test
  void shouldExposeTheIngestApiOnAClusterIpServiceWhenRendered() {
    JsonNode service = manifests.get("Service", "cg-cyclegan-pipeline-ingest");

    assertThat(service.at("/spec/type").asText()).isEqualTo("ClusterIP");
    assertThat(Manifests.list(service.at("/spec/ports")))
        .extracting(p -> p.path("name").asText() + ":" + p.path("port").asInt())
        .containsExactly("http:8080", "metrics:9464");
    assertThat(service.at("/spec/selector/app.kubernetes.io~1component").asText())
        .isEqualTo("ingest");
  }
}
