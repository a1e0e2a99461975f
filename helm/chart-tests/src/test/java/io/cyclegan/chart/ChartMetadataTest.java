package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Chart.yaml as Artifact Hub and `helm show chart` present it, kept true to the templates. */
class ChartMetadataTest {

  /** The Kubernetes release in which each API version the chart may render became GA. */
  private static final Map<String, String> GA_SINCE =
      Map.of(
          "v1", "1.0",
          "apps/v1", "1.9",
          "batch/v1", "1.21",
          "policy/v1", "1.21",
          "autoscaling/v2", "1.23",
          "networking.k8s.io/v1", "1.19");

  private static final JsonNode CHART = Chart.readYaml(Chart.CHART.resolve("Chart.yaml"));

  @Test
  void shouldShowTheRepositorysIconWhenAnIconIsSet() throws Exception {
    byte[] svg = Files.readAllBytes(Chart.ROOT.resolve("docs/images/icon.svg"));

    assertThat(CHART.path("icon").asText())
        .isEqualTo("data:image/svg+xml;base64," + Base64.getEncoder().encodeToString(svg));
  }

  @Test
  void shouldRequireTheKubernetesOfTheNewestApiWhenRenderingAnyValuesSet() {
    Set<String> apiVersions = new TreeSet<>();
    Chart.valuesSets()
        .forEach(
            set ->
                Chart.renderWithHooks(set, Map.of()).documents().stream()
                    .map(d -> d.path("apiVersion").asText())
                    .filter(v -> !v.contains(".") || v.startsWith("networking.k8s.io"))
                    .forEach(apiVersions::add));
    String newest =
        apiVersions.stream()
            .map(v -> GA_SINCE.getOrDefault(v, "unknown API " + v))
            .max(ChartMetadataTest::compareVersions)
            .orElseThrow();

    assertThat(CHART.path("kubeVersion").asText()).isEqualTo(">=" + newest + ".0-0");
  }

  @Test
  void shouldListEveryImageTheChartRunsWhenArtifactHubScansIt() throws Exception {
    Set<String> rendered = new TreeSet<>();
    for (String set : new String[] {null, "gpu-values.yaml"}) {
      for (JsonNode document : Chart.renderWithHooks(set, Map.of()).documents()) {
        document
            .findValues("containers")
            .forEach(cs -> cs.forEach(c -> rendered.add(c.path("image").asText())));
      }
    }
    List<JsonNode> listed =
        Chart.readAllYaml(CHART.at("/annotations/artifacthub.io~1images").asText())
            .get(0)
            .findParents("image");

    assertThat(listed)
        .extracting(i -> i.path("image").asText())
        .containsExactlyInAnyOrderElementsOf(rendered);
    assertThat(CHART.at("/annotations/artifacthub.io~1license").asText()).isEqualTo("Apache-2.0");
    assertThat(Files.readString(Chart.ROOT.resolve("LICENSE")))
        .contains("Apache License", "Version 2.0, January 2004");
  }

  private static int compareVersions(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    int major = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
    return major != 0 ? major : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
  }
}
