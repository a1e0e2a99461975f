package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ci/gpu-values.yaml: training and inference on NVIDIA nodes. */
class GpuValuesTest {

  private static Manifests manifests;

  @BeforeAll
  static void render() {
    manifests = Chart.render("gpu-values.yaml");
  }

  @ParameterizedTest
  @CsvSource({
    "training, cyclegan/training-worker-gpu:0.1.0",
    "inference, cyclegan/inference-worker-gpu:0.1.0"
  })
  void shouldPutTheGpuInLimitsOnlyWhenGpuIsEnabled(String service, String image) {
    JsonNode workload = manifests.workload(service);
    JsonNode container = Manifests.container(workload);

    assertThat(container.path("image").asText()).isEqualTo(image);
    assertThat(container.at("/resources/limits/nvidia.com~1gpu").asInt()).isEqualTo(1);
    assertThat(container.at("/resources/requests").has("nvidia.com/gpu")).isFalse();
    assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
    assertThat(Workloads.configValue(manifests, workload, "CYCLEGAN_DEVICE"))
        .as("a GPU that was asked for and is missing must fail loudly, not fall back to the CPU")
        .isEqualTo("gpu");
  }

  @ParameterizedTest
  @CsvSource({"training", "inference"})
  void shouldScheduleOnGpuNodesWhenGpuIsEnabled(String service) {
    JsonNode pod = Manifests.podSpec(manifests.workload(service));

    assertThat(pod.at("/nodeSelector/nvidia.com~1gpu.present").asText()).isEqualTo("true");
    assertThat(Manifests.list(pod.path("tolerations")))
        .anySatisfy(
            t -> {
              assertThat(t.path("key").asText()).isEqualTo("nvidia.com/gpu");
              assertThat(t.path("effect").asText()).isEqualTo("NoSchedule");
            });
  }

  @Test
  void shouldUseTheRuntimeClassAndAClaimPerPodWhenSet() {
    JsonNode training = manifests.workload("training");

    assertThat(Manifests.podSpec(training).path("runtimeClassName").asText()).isEqualTo("nvidia");
    assertThat(Manifests.list(training.at("/spec/volumeClaimTemplates")))
        .singleElement()
        .satisfies(
            claim -> {
              assertThat(claim.at("/metadata/name").asText()).isEqualTo("dataset-cache");
              assertThat(claim.at("/spec/resources/requests/storage").asText()).isEqualTo("100Gi");
            });
    assertThat(Manifests.list(Manifests.podSpec(training).path("volumes")))
        .extracting(v -> v.path("name").asText())
        .doesNotContain("dataset-cache");
  }

  @Test
  void shouldLeaveIngestOnCpuNodesWhenGpuIsEnabled() {
    JsonNode ingest = manifests.workload("ingest");

    assertThat(Chart.toJson(ingest)).doesNotContain("nvidia");
    assertThat(Manifests.container(ingest).path("image").asText())
        .isEqualTo("cyclegan/ingest:0.1.0");
  }
}
