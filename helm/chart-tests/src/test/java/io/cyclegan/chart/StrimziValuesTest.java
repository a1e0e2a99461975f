package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** ci/strimzi-values.yaml: KafkaTopic resources for the Strimzi Topic Operator. */
class StrimziValuesTest {

  @Test
  void shouldDeclareEveryTopicAndItsDeadLetterTopicWhenStrimziManagesTopics() {
    Manifests manifests = Chart.render("strimzi-values.yaml");

    assertThat(manifests.ofKind("KafkaTopic"))
        .hasSize(14)
        .allSatisfy(
            topic -> {
              assertThat(topic.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1beta2");
              assertThat(topic.at("/metadata/labels/strimzi.io~1cluster").asText())
                  .isEqualTo("my-cluster");
              assertThat(topic.at("/spec/partitions").asInt())
                  .isEqualTo(topic.at("/spec/topicName").asText().endsWith(".dlq") ? 1 : 3);
              assertThat(topic.at("/spec/replicas").asInt()).isEqualTo(3);
            })
        .extracting(topic -> topic.at("/spec/topicName").asText())
        .contains(
            "cyclegan.images.in",
            "cyclegan.images.in.dlq",
            "cyclegan.translate.requests",
            "cyclegan.translate.results",
            "cyclegan.training.commands",
            "cyclegan.training.events",
            "cyclegan.models",
            "cyclegan.datasets.dlq");
    assertThat(manifests.ofKind("Job")).isEmpty();
  }

  @Test
  void shouldCompactOnlyTheModelAndDatasetTopicsWhenDeclared() {
    Manifests manifests = Chart.render("strimzi-values.yaml");

    assertThat(manifests.ofKind("KafkaTopic"))
        .filteredOn(t -> "compact".equals(t.at("/spec/config/cleanup.policy").asText()))
        .extracting(t -> t.at("/spec/topicName").asText())
        .containsExactlyInAnyOrder("cyclegan.models", "cyclegan.datasets");
    JsonNode topic = manifests.get("KafkaTopic", "cyclegan.models.dlq");
    assertThat(Manifests.fieldNames(topic.at("/spec/config"))).containsExactly("max.message.bytes");
  }
}
