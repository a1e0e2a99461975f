package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One NetworkPolicy per service: only ingest's API port and the metrics ports take traffic, from
 * the configured peers; with egress restricted, only DNS, the release's own pods and the given
 * destinations are reachable.
 */
class NetworkPolicyTest {

  private static final String PREFIX = Chart.RELEASE + "-cyclegan-pipeline-";

  @Test
  void shouldCreateNoPolicyByDefault() {
    assertThat(Chart.renderDefaults().ofKind("NetworkPolicy")).isEmpty();
  }

  @Test
  void shouldOpenOnlyTheApiPortOfIngestToTheIngressNamespace() {
    Manifests manifests = Chart.render("production-values.yaml");
    JsonNode ingest = manifests.get("NetworkPolicy", PREFIX + "ingest");
    List<JsonNode> rules = Manifests.list(ingest.at("/spec/ingress"));

    assertThat(ingest.at("/spec/podSelector/matchLabels/app.kubernetes.io~1component").asText())
        .isEqualTo("ingest");
    assertThat(rules).hasSize(3).last().satisfies(HelmTestHookTest::isTheTestPodsRule);
    assertThat(rules.get(0).at("/ports/0/port").asInt()).isEqualTo(8080);
    assertThat(rules.get(0).at("/ports").size()).isEqualTo(1);
    assertThat(
            rules
                .get(0)
                .at("/from/0/namespaceSelector/matchLabels/kubernetes.io~1metadata.name")
                .asText())
        .isEqualTo("ingress-nginx");
    assertThat(rules.get(1).at("/ports/0/port").asInt()).isEqualTo(9464);
    assertThat(rules.get(1).at("/from/0/podSelector/matchLabels/app.kubernetes.io~1name").asText())
        .isEqualTo("prometheus");
  }

  @ParameterizedTest
  @ValueSource(strings = {"training:9465", "inference:9466"})
  void shouldLetWorkersTakeNothingButScrapesOfTheirMetricsPort(String componentAndPort) {
    String component = componentAndPort.split(":")[0];
    int port = Integer.parseInt(componentAndPort.split(":")[1]);
    JsonNode policy =
        Chart.render("production-values.yaml").get("NetworkPolicy", PREFIX + component);
    JsonNode rules = policy.at("/spec/ingress");

    assertThat(policy.at("/spec/podSelector/matchLabels/app.kubernetes.io~1component").asText())
        .isEqualTo(component);
    assertThat(rules.size()).isEqualTo(1);
    assertThat(rules.at("/0/ports").size()).isEqualTo(1);
    assertThat(rules.at("/0/ports/0/port").asInt()).isEqualTo(port);
    assertThat(
            rules
                .at("/0/from/0/namespaceSelector/matchLabels/kubernetes.io~1metadata.name")
                .asText())
        .isEqualTo("monitoring");
  }

  @Test
  void shouldLimitEgressToDnsTheReleaseKafkaAndS3WhenRestricted() {
    JsonNode policy =
        Chart.render("production-values.yaml").get("NetworkPolicy", PREFIX + "inference");
    List<JsonNode> egress = Manifests.list(policy.at("/spec/egress"));

    assertThat(Manifests.list(policy.at("/spec/policyTypes")).stream().map(JsonNode::asText))
        .containsExactly("Ingress", "Egress");
    assertThat(egress).hasSize(4);
    assertThat(egress.get(0).at("/ports/0/port").asInt()).isEqualTo(53);
    assertThat(egress.get(0).at("/to/0/podSelector/matchLabels/k8s-app").asText())
        .isEqualTo("kube-dns");
    assertThat(
            egress.get(1).at("/to/0/podSelector/matchLabels/app.kubernetes.io~1instance").asText())
        .isEqualTo(Chart.RELEASE);
    assertThat(egress.get(2).at("/ports/0/port").asInt()).isEqualTo(9093);
    assertThat(egress.get(3).at("/ports/0/port").asInt()).isEqualTo(9000);
  }

  @Test
  void shouldLeaveEgressOpenUnlessRestricted() {
    JsonNode policy =
        Chart.render("web-identity-values.yaml").get("NetworkPolicy", PREFIX + "training");

    assertThat(Manifests.list(policy.at("/spec/policyTypes")).stream().map(JsonNode::asText))
        .containsExactly("Ingress");
    assertThat(policy.at("/spec/egress").isMissingNode()).isTrue();
  }
}
