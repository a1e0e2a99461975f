package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard as a sidecar ConfigMap and the PrometheusRule (ci/production-values.yaml
 * turns both on). That every series they query exists is the cli module's DashboardSeriesIT.
 */
class MonitoringValuesTest {

  private static Manifests manifests;

  @BeforeAll
  static void render() {
    manifests = Chart.render("production-values.yaml");
  }

  @Test
  void shouldShipTheDashboardFileToTheSidecarsNamespaceWhenEnabled() throws Exception {
    JsonNode configMap = manifests.get("ConfigMap", "cg-cyclegan-pipeline-dashboard");

    assertThat(configMap.at("/metadata/namespace").asText()).isEqualTo("monitoring");
    assertThat(configMap.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
    assertThat(configMap.at("/metadata/annotations/grafana_folder").asText()).isEqualTo("CycleGAN");
    JsonNode shipped =
        new ObjectMapper().readTree(configMap.at("/data/cyclegan-pipeline.json").asText());
    assertThat(shipped)
        .isEqualTo(Chart.readYaml(Chart.CHART.resolve("files/grafana/cyclegan-pipeline.json")));
  }

  @Test
  void shouldAlertOnDeadLettersLagFailedJobsRestartsAndOutagesWhenEnabled() {
    JsonNode rule = manifests.get("PrometheusRule", "cg-cyclegan-pipeline");
    List<JsonNode> rules = Manifests.list(rule.at("/spec/groups/0/rules"));

    assertThat(rule.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
    assertThat(rules)
        .extracting(r -> r.path("alert").asText())
        .containsExactly(
            "CycleganDeadLetters",
            "CycleganConsumerLag",
            "CycleganTrainingJobsFailed",
            "CycleganServiceRestarting",
            "CycleganDependencyDown");
    assertThat(rules)
        .allSatisfy(
            r -> {
              assertThat(r.path("expr").asText())
                  .as("scoped to this release's services")
                  .contains("{namespace=\"pipeline\", job=~\"cg-cyclegan-pipeline-.*\"");
              assertThat(r.at("/labels/severity").asText()).isIn("warning", "critical");
              assertThat(r.at("/annotations/summary").asText()).doesNotContain("{{ .Values");
            });
    assertThat(rules.get(1).path("expr").asText()).endsWith("> 5000");
    assertThat(rules.get(1).path("for").asText()).isEqualTo("15m");
    assertThat(rules.get(2).path("expr").asText())
        .contains("increase(cyclegan_training_jobs_total{")
        .contains("state=\"failed\"");
    assertThat(rules.get(3).at("/annotations/summary").asText()).startsWith("{{ $labels.pod }}");
  }

  @Test
  void shouldScopeEveryAlertWithTheGivenSelectorWhenOneIsSet() {
    Manifests manifests =
        Chart.render(
            null,
            Map.of(
                "metrics.prometheusRule.enabled",
                true,
                "metrics.prometheusRule.selector",
                "namespace=\"ml\", app_kubernetes_io_instance=\"cg\""));

    assertThat(
            Manifests.list(
                manifests.get("PrometheusRule", "cg-cyclegan-pipeline").at("/spec/groups/0/rules")))
        .allSatisfy(
            r ->
                assertThat(r.path("expr").asText())
                    .contains("{namespace=\"ml\", app_kubernetes_io_instance=\"cg\"")
                    .doesNotContain("job=~"));
  }

  @Test
  void shouldRenderNeitherWhenMetricsExtrasAreOff() {
    Manifests defaults = Chart.renderDefaults();

    assertThat(defaults.ofKind("PrometheusRule")).isEmpty();
    assertThat(defaults.find("ConfigMap", "cg-cyclegan-pipeline-dashboard")).isEmpty();
  }
}
