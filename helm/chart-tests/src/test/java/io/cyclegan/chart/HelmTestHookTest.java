package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The `helm test` Pod: readiness, the API with a token, one translation round trip. */
class HelmTestHookTest {

  @Test
  void shouldTestTheRoundTripWithTheGeneratedTokenWhenNothingIsSet() throws Exception {
    Manifests manifests = Chart.renderWithHooks(null, Map.of());
    JsonNode pod = manifests.get("Pod", "cg-cyclegan-pipeline-test");
    JsonNode container = pod.at("/spec/containers/0");
    JsonNode configMap = manifests.get("ConfigMap", "cg-cyclegan-pipeline-test");
    String script = configMap.at("/data/round-trip.sh").asText();

    assertThat(container.path("image").asText()).isEqualTo("docker.io/curlimages/curl:8.11.1");
    assertThat(env(container, "MODEL")).isEqualTo("helm-test-no-such-model");
    assertThat(env(container, "EXPECT")).isEqualTo("unknown-model");
    assertThat(pod.at("/spec/volumes/1/secret/secretName").asText())
        .isEqualTo("cg-cyclegan-pipeline-api-tokens");
    assertThat(pod.at("/spec/volumes/1/secret/items/0/key").asText()).isEqualTo("admin-token");
    assertThat(script)
        .contains("side=\"http://cg-cyclegan-pipeline-ingest:9464\"")
        .contains("\"$side/readyz\"")
        .contains("api=\"http://cg-cyclegan-pipeline-ingest:8080\"")
        .contains("/translate?model=$MODEL&requestId=$id")
        .contains("\"reason\":\"UNKNOWN_MODEL\"");
    byte[] png = Base64.getDecoder().decode(configMap.at("/binaryData/probe.png").asText());
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    assertThat(pod.at("/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
  }

  @Test
  void shouldExpectAnOkResultWhenAModelIsNamed() {
    Manifests manifests =
        Chart.renderWithHooks(
            "existing-secret-values.yaml",
            Map.of(
                "tests.model", "zebra",
                "ingest.auth.existingSecret", "api-tokens",
                "tests.tokenSecret.name", "cyclegan-test-token"));
    JsonNode pod = manifests.get("Pod", "cg-cyclegan-pipeline-test");

    assertThat(env(pod.at("/spec/containers/0"), "EXPECT")).isEqualTo("ok");
    assertThat(pod.at("/spec/volumes/1/secret/secretName").asText())
        .isEqualTo("cyclegan-test-token");
    assertThat(pod.at("/spec/volumes/1/secret/items/0/key").asText()).isEqualTo("token");
  }

  @Test
  void shouldAskForATokenWhenTheApiTokensAreTheUsersOwn() {
    assertThatThrownBy(
            () -> Chart.renderWithHooks(null, Map.of("ingest.auth.existingSecret", "api-tokens")))
        .hasMessageContaining("tests.tokenSecret.name and .key are required");
  }

  @Test
  void shouldLetTheTestPodThroughTheNetworkPolicyWhenPoliciesAreOn() {
    JsonNode policy =
        Chart.render("production-values.yaml").get("NetworkPolicy", "cg-cyclegan-pipeline-ingest");

    assertThat(Manifests.list(policy.at("/spec/ingress")))
        .anySatisfy(HelmTestHookTest::isTheTestPodsRule);
  }

  /** The ingress rule that lets the test Pod reach ingest's API and readiness ports. */
  static void isTheTestPodsRule(JsonNode rule) {
    assertThat(rule.at("/from/0/podSelector/matchLabels/app.kubernetes.io~1component").asText())
        .isEqualTo("test");
    assertThat(Manifests.list(rule.path("ports")))
        .extracting(p -> p.path("port").asInt())
        .containsExactly(8080, 9464);
  }

  @Test
  void shouldLeaveTheHookOutOfTheReleaseManifestWhenRenderedNormally() {
    assertThat(Chart.renderDefaults().find("Pod", "cg-cyclegan-pipeline-test")).isEmpty();
  }

  private static String env(JsonNode container, String name) {
    for (JsonNode env : container.path("env")) {
      if (name.equals(env.path("name").asText())) {
        return env.path("value").asText();
      }
    }
    throw new AssertionError(name + " not set");
  }
}
