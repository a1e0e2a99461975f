package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The inference worker scales with the request topic's lag, never past its partition count. */
class AutoscalingTest {

  @Test
  void shouldScaleInferenceOnConsumerLagWhenKedaIsChosen() {
    Manifests manifests = Chart.render("keda-values.yaml");
    JsonNode scaledObject = manifests.get("ScaledObject", "cg-cyclegan-pipeline-inference");
    JsonNode trigger = scaledObject.at("/spec/triggers/0");

    assertThat(scaledObject.at("/spec/scaleTargetRef/name").asText())
        .isEqualTo("cg-cyclegan-pipeline-inference");
    assertThat(scaledObject.at("/spec/minReplicaCount").asInt()).isZero();
    assertThat(scaledObject.at("/spec/maxReplicaCount").asInt()).isEqualTo(12);
    assertThat(trigger.path("type").asText()).isEqualTo("kafka");
    assertThat(trigger.at("/metadata/topic").asText()).isEqualTo("cyclegan.translate.requests");
    assertThat(trigger.at("/metadata/consumerGroup").asText()).isEqualTo("cyclegan-inference");
    assertThat(trigger.at("/metadata/lagThreshold").asText()).isEqualTo("50");
    assertThat(trigger.at("/metadata/bootstrapServers").asText())
        .isEqualTo("cg-cyclegan-pipeline-kafka:9092");
    assertThat(trigger.at("/metadata/allowIdleConsumers").asText()).isEqualTo("false");
    assertThat(manifests.workload("inference").at("/spec").has("replicas"))
        .as("the autoscaler owns the replica count")
        .isFalse();
    assertThat(manifests.ofKind("HorizontalPodAutoscaler")).isEmpty();
  }

  @Test
  void shouldScaleInferenceOnCpuWhenHpaIsChosen() {
    Manifests manifests = Chart.render("hpa-values.yaml");
    JsonNode hpa = manifests.get("HorizontalPodAutoscaler", "cg-cyclegan-pipeline-inference");

    assertThat(hpa.at("/spec/minReplicas").asInt()).isEqualTo(2);
    assertThat(hpa.at("/spec/maxReplicas").asInt()).isEqualTo(6);
    assertThat(hpa.at("/spec/metrics/0/resource/target/averageUtilization").asInt()).isEqualTo(80);
    assertThat(manifests.ofKind("ScaledObject")).isEmpty();
  }

  @Test
  void shouldRefuseMoreInferenceReplicasThanPartitionsWhenAutoscaling() {
    assertThatThrownBy(
            () -> Chart.render("keda-values.yaml", Map.of("inference.autoscaling.maxReplicas", 13)))
        .hasMessageContaining(
            "inference.autoscaling.maxReplicas (13) must not exceed kafka.topics.partitions (12)");
  }

  @Test
  void shouldRefuseMoreInferenceReplicasThanPartitionsWhenNotAutoscaling() {
    assertThatThrownBy(() -> Chart.render(null, Map.of("inference.replicaCount", 7)))
        .hasMessageContaining(
            "inference.replicaCount (7) must not exceed kafka.topics.partitions (6)");
  }

  @Test
  void shouldRefuseAnHpaThatScalesToZeroWhenChosen() {
    assertThatThrownBy(
            () -> Chart.render("hpa-values.yaml", Map.of("inference.autoscaling.minReplicas", 0)))
        .hasMessageContaining("minReplicas must be at least 1 with kind hpa");
  }
}
