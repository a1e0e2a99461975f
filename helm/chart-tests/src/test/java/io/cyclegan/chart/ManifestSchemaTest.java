package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rendered manifest, for the default values and each ci values file, fits the API. */
class ManifestSchemaTest {

  static Stream<String> valuesSets() {
    return Chart.valuesSets();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valuesSets")
  void shouldRenderOnlyFieldsTheKubernetesApiHas(String valuesFile) {
    Manifests manifests = Chart.render(valuesFile);
    List<String> problems = new ArrayList<>();
    for (JsonNode document : manifests.documents()) {
      problems.addAll(KubernetesSchema.problems(document));
    }
    assertThat(problems).as("rendered with %s", valuesFile).isEmpty();
    assertThat(manifests.documents()).isNotEmpty();
  }

  @Test
  void shouldReportAFieldAtTheWrongLevelWithItsPath() {
    JsonNode deployment =
        Chart.readAllYaml(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                        - name: web
                          image: web:1
                          imagePullPolcy: Always
                      replicas: 2
                """)
            .get(0);

    assertThat(KubernetesSchema.problems(deployment))
        .containsExactlyInAnyOrder(
            "apps/v1/Deployment web.spec.template.spec.containers[0]: fields the API does not"
                + " have: [imagePullPolcy]",
            "apps/v1/Deployment web.spec.template.spec: fields the API does not have:"
                + " [replicas]");
  }

  @Test
  void shouldReportAValueOfTheWrongTypeAndAnUnknownKind() {
    JsonNode badType =
        Chart.readAllYaml("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: 80}\n")
            .get(0);
    JsonNode oldApi =
        Chart.readAllYaml("apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {}\n")
            .get(0);

    assertThat(KubernetesSchema.problems(badType))
        .singleElement()
        .asString()
        .startsWith("v1/Service s: does not fit the API type");
    assertThat(KubernetesSchema.problems(oldApi))
        .singleElement()
        .asString()
        .contains("no model for this apiVersion/kind");
  }
}
