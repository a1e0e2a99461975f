package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/: the compose file, the images' build targets, Prometheus and Grafana agree with the
 * configuration table and with the chart. (The images themselves need a Docker engine.)
 */
class DeployFilesTest {

  private static final Path DEPLOY = Chart.ROOT.resolve("deploy");
  private static final ConfigurationTable TABLE = ConfigurationTable.read();

  @ParameterizedTest
  @CsvSource({"ingest, 9464", "training-worker, 9465", "inference-worker, 9466"})
  void shouldConfigureComposeServicesOnlyWithDocumentedVariablesWhenComposed(
      String service, String metricsPort) {
    JsonNode environment = compose().at("/services/" + service + "/environment");

    assertThat(Manifests.fieldNames(environment))
        .isNotEmpty()
        .allSatisfy(
            name ->
                assertThat(TABLE.allows(name)).as("%s is in docs/configuration.md", name).isTrue())
        .contains("KAFKA_BOOTSTRAP_SERVERS", "S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY");
    assertThat(environment.path("CYCLEGAN_METRICS_PORT").asText()).isEqualTo(metricsPort);
    assertThat(compose().at("/services/" + service + "/read_only").asBoolean()).isTrue();
  }

  @Test
  void shouldPinEveryImageWhenComposed() {
    List<String> images = new ArrayList<>();
    compose().path("services").forEach(s -> images.add(s.path("image").asText()));

    assertThat(images)
        .allSatisfy(
            image ->
                assertThat(image).matches("[a-z0-9./-]+:[A-Za-z0-9._-]+").doesNotEndWith(":latest"))
        .contains("apache/kafka:4.1.1")
        .anyMatch(i -> i.startsWith("minio/minio:RELEASE."))
        .anyMatch(i -> i.startsWith("minio/mc:RELEASE."));
  }

  @Test
  void shouldScrapeEachServiceOnTheMetricsPortOfTheChartWhenPrometheusRuns() {
    JsonNode prometheus = Chart.readYaml(DEPLOY.resolve("prometheus/prometheus.yml"));
    JsonNode values = Chart.readYaml(Chart.CHART.resolve("values.yaml"));
    List<String> targets = new ArrayList<>();
    prometheus
        .path("scrape_configs")
        .forEach(job -> job.at("/static_configs/0/targets").forEach(t -> targets.add(t.asText())));

    assertThat(targets)
        .contains(
            "ingest:" + values.at("/ingest/metricsPort").asInt(),
            "training-worker:" + values.at("/training/metricsPort").asInt(),
            "inference-worker:" + values.at("/inference/metricsPort").asInt());
  }

  @Test
  void shouldChartThroughputLatencyBatchLossesAndLagWhenTheDashboardLoads() {
    JsonNode dashboard =
        Chart.readYaml(Chart.CHART.resolve("files/grafana/cyclegan-pipeline.json"));
    List<String> expressions = new ArrayList<>();
    dashboard
        .path("panels")
        .forEach(p -> p.path("targets").forEach(t -> expressions.add(t.path("expr").asText())));

    assertThat(dashboard.path("uid").asText()).isEqualTo("cyclegan-pipeline");
    assertThat(String.join("\n", expressions))
        .contains(
            "cyclegan_ingest_images_total",
            "cyclegan_inference_images_total",
            "cyclegan_inference_latency_seconds_bucket",
            "cyclegan_inference_batch_size_bucket",
            "cyclegan_training_loss",
            "cyclegan_training_step_seconds_bucket",
            "cyclegan_dlq_records_total",
            "kafka_consumer_fetch_manager_records_lag_max");
    assertThat(expressions)
        .filteredOn(e -> e.contains("histogram_quantile"))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e).contains("_bucket").contains("sum by (le"));
  }

  @Test
  void shouldBuildATargetPerServiceWithItsMainClassWhenBuildingImages() throws IOException {
    Map<String, String> targets = mainClasses(Files.readString(DEPLOY.resolve("Dockerfile")));

    assertThat(targets)
        .containsEntry("ingest", "io.cyclegan.ingest.IngestMain")
        .containsEntry("training-worker", "io.cyclegan.training.TrainingWorkerMain")
        .containsEntry("inference-worker", "io.cyclegan.inference.InferenceWorkerMain")
        .containsEntry("cli", "io.cyclegan.cli.CycleganCli");
  }

  @Test
  void shouldBindTheCudaLibtorchThatDjlExpectsWhenBuildingGpuImages() throws IOException {
    String gpu = Files.readString(DEPLOY.resolve("Dockerfile.gpu"));

    assertThat(mainClasses(gpu))
        .containsEntry("training-worker", "io.cyclegan.training.TrainingWorkerMain")
        .containsEntry("inference-worker", "io.cyclegan.inference.InferenceWorkerMain");
    assertThat(gpu)
        .contains("PYTORCH_FLAVOR=cu128", "PYTORCH_VERSION=2.7.1", "PYTORCH_LIBRARY_PATH=")
        .contains("libtorch-cxx11-abi-shared-with-deps-2.7.1%2Bcu128.zip")
        .contains("-Dai.djl.offline=true")
        .contains("USER 10001:10001");
  }

  /** The compose file with its `<<` merge keys resolved (SnakeYAML does; Jackson does not). */
  private static JsonNode compose() {
    try (var reader = Files.newBufferedReader(DEPLOY.resolve("docker-compose.yml"))) {
      Object tree = new Yaml().load(reader);
      return new ObjectMapper().valueToTree(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Build target name to the MAIN_CLASS it sets. */
  private static Map<String, String> mainClasses(String dockerfile) {
    Map<String, String> targets = new java.util.LinkedHashMap<>();
    Matcher m =
        Pattern.compile("(?m)^FROM \\S+ AS (\\S+)\\s*\\nENV MAIN_CLASS=(\\S+)").matcher(dockerfile);
    while (m.find()) {
      targets.put(m.group(1), m.group(2));
    }
    return targets;
  }
}
