package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ingest.maxImageBytes is the one size setting: every service reads it (producers' {@code
 * max.request.size}), and the topics the chart creates get {@code max.message.bytes} from it, as
 * pipeline-common's MessageSizes derives them (64 KiB for headers, 16 KiB more for a dead
 * letter's).
 */
class MessageSizeValuesTest {

  @Test
  void shouldSizeTheStrimziTopicsFromTheImageLimitWhenSet() {
    Manifests manifests =
        Chart.render("strimzi-values.yaml", Map.of("ingest.maxImageBytes", 5_000_000));

    assertThat(
            manifests
                .get("KafkaTopic", "cyclegan.images.in")
                .at("/spec/config/max.message.bytes")
                .asLong())
        .isEqualTo(5_000_000 + 65_536);
    assertThat(manifests.ofKind("KafkaTopic"))
        .filteredOn(t -> t.at("/spec/topicName").asText().endsWith(".dlq"))
        .hasSize(7)
        .allSatisfy(
            t ->
                assertThat(t.at("/spec/config/max.message.bytes").asLong())
                    .isEqualTo(5_000_000 + 65_536 + 16_384));
    assertThat(
            manifests
                .get("KafkaTopic", "cyclegan.models")
                .at("/spec/config")
                .has("max.message.bytes"))
        .isFalse();
  }

  @Test
  void shouldGiveEveryServiceAndTheTopicJobTheImageLimitWhenRendered() {
    Manifests manifests = Chart.render("production-values.yaml");

    for (String service : Workloads.SERVICES) {
      assertThat(
              Workloads.configValue(
                  manifests, manifests.workload(service), "CYCLEGAN_MAX_IMAGE_BYTES"))
          .isEqualTo("1048576");
    }
    JsonNode job = manifests.get("Job", "cg-cyclegan-pipeline-create-topics");
    assertThat(Manifests.list(job.at("/spec/template/spec/containers/0/env")))
        .anySatisfy(
            e -> {
              assertThat(e.path("name").asText()).isEqualTo("CYCLEGAN_MAX_IMAGE_BYTES");
              assertThat(e.path("value").asText()).isEqualTo("1048576");
            });
  }
}
