package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one pod template of the three workloads: probes, security contexts, spread constraints and
 * image digests, set chart-wide or per component.
 */
class PodSpecValuesTest {

  private static final String DIGEST =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @ParameterizedTest
  @ValueSource(strings = {"ingest", "training", "inference"})
  void shouldLayAComponentsProbeKeysOverTheChartWideProbeWhenSet(String service) {
    Manifests manifests =
        Chart.render(
            null,
            Map.of(
                service + ".probes.startup.failureThreshold",
                240,
                service + ".probes.liveness.exec.command[0]",
                "true",
                service + ".probes.readiness.enabled",
                false));
    JsonNode container = Manifests.container(manifests.workload(service));

    assertThat(container.at("/startupProbe/failureThreshold").asInt()).isEqualTo(240);
    assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/healthz");
    assertThat(container.at("/livenessProbe/exec/command/0").asText()).isEqualTo("true");
    assertThat(container.at("/livenessProbe").has("httpGet"))
        .as("a handler given replaces the default one")
        .isFalse();
    assertThat(container.at("/livenessProbe/periodSeconds").asInt()).isEqualTo(10);
    assertThat(container.has("readinessProbe")).isFalse();
    for (String other : Workloads.SERVICES) {
      if (!other.equals(service)) {
        JsonNode theirs = Manifests.container(manifests.workload(other));
        assertThat(theirs.at("/startupProbe/failureThreshold").asInt()).isEqualTo(60);
        assertThat(theirs.has("readinessProbe")).isTrue();
      }
    }
  }

  @Test
  void shouldChangeEveryServicesProbeWhenTheChartWideProbeIsSet() {
    Manifests manifests = Chart.render(null, Map.of("probes.liveness.timeoutSeconds", 9));

    for (String service : Workloads.SERVICES) {
      assertThat(
              Manifests.container(manifests.workload(service))
                  .at("/livenessProbe/timeoutSeconds")
                  .asInt())
          .isEqualTo(9);
    }
  }

  @Test
  void shouldLayAComponentsSecurityContextKeysOverTheChartWideOneWhenSet() {
    Manifests manifests =
        Chart.render(
            null,
            Map.of(
                "training.podSecurityContext.fsGroupChangePolicy",
                "OnRootMismatch",
                "training.containerSecurityContext.readOnlyRootFilesystem",
                false));
    JsonNode training = manifests.workload("training");

    assertThat(Manifests.podSpec(training).at("/securityContext/fsGroupChangePolicy").asText())
        .isEqualTo("OnRootMismatch");
    assertThat(Manifests.podSpec(training).at("/securityContext/runAsNonRoot").asBoolean())
        .isTrue();
    JsonNode container = Manifests.container(training).path("securityContext");
    assertThat(container.path("readOnlyRootFilesystem").isBoolean()).isTrue();
    assertThat(container.path("readOnlyRootFilesystem").asBoolean()).isFalse();
    assertThat(container.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(
            Manifests.container(manifests.workload("ingest"))
                .at("/securityContext/readOnlyRootFilesystem")
                .asBoolean())
        .isTrue();
  }

  @Test
  void shouldSelectTheComponentsPodsWhenASpreadConstraintHasNoSelector() {
    Manifests manifests =
        Chart.render(
            null,
            Map.of(
                "inference.topologySpreadConstraints[0].maxSkew", 1,
                "inference.topologySpreadConstraints[0].topologyKey", "topology.kubernetes.io/zone",
                "inference.topologySpreadConstraints[0].whenUnsatisfiable", "ScheduleAnyway"));
    JsonNode constraint =
        Manifests.podSpec(manifests.workload("inference")).path("topologySpreadConstraints").get(0);

    assertThat(constraint.path("topologyKey").asText()).isEqualTo("topology.kubernetes.io/zone");
    assertThat(constraint.at("/labelSelector/matchLabels/app.kubernetes.io~1component").asText())
        .isEqualTo("inference");
    assertThat(constraint.at("/labelSelector/matchLabels/app.kubernetes.io~1instance").asText())
        .isEqualTo(Chart.RELEASE);
    assertThat(Manifests.podSpec(manifests.workload("ingest")).has("topologySpreadConstraints"))
        .isFalse();
  }

  @Test
  void shouldPinTheImageByDigestWhenOneIsSet() {
    Manifests manifests =
        Chart.render(
            null,
            Map.of(
                "ingest.image.digest",
                DIGEST,
                "image.registry",
                "registry.example.com/ml",
                "inference.gpu.enabled",
                true,
                "inference.gpu.image.digest",
                DIGEST));

    assertThat(Manifests.container(manifests.workload("ingest")).path("image").asText())
        .isEqualTo("registry.example.com/ml/cyclegan/ingest@" + DIGEST);
    assertThat(Manifests.container(manifests.workload("inference")).path("image").asText())
        .isEqualTo("registry.example.com/ml/cyclegan/inference-worker-gpu@" + DIGEST);
    assertThat(Manifests.container(manifests.workload("training")).path("image").asText())
        .isEqualTo("registry.example.com/ml/cyclegan/training-worker:0.1.0");
  }

  @Test
  void shouldTakeTheParentChartsRegistryAndPullSecretsWhenGlobalIsSet() {
    Manifests manifests =
        Chart.render(
            null,
            Map.of(
                "global.imageRegistry", "mirror.example.com",
                "global.imagePullSecrets[0]", "parent-pull",
                "global.someParentKey", "ignored",
                "image.pullSecrets[0]", "regcred"));

    for (String service : Workloads.SERVICES) {
      JsonNode workload = manifests.workload(service);
      assertThat(Manifests.container(workload).path("image").asText())
          .startsWith("mirror.example.com/cyclegan/");
      assertThat(Manifests.list(Manifests.podSpec(workload).path("imagePullSecrets")))
          .extracting(s -> s.path("name").asText())
          .containsExactly("parent-pull", "regcred");
    }
  }
}
