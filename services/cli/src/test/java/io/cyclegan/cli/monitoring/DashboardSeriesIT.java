package io.cyclegan.cli.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.CycleganCli;
import io.cyclegan.cli.local.LocalPipeline;
import io.cyclegan.common.config.Env;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.testkit.StackKit;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.model.synthetic.SyntheticShapes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every series the Grafana dashboard and the chart's PrometheusRule query exists on the services'
 * {@code /metrics} after a small job and a few translations: the three services in one JVM on the
 * local stack (as {@code cyclegan up}), a dataset uploaded over Kafka with one bad record among it,
 * a tiny training job (32 px, 8 steps), two translations and one API call; then all three side
 * ports are scraped. A panel that queries a series no service exposes (as "Jobs by state" once did
 * with {@code cyclegan_training_jobs}) fails here, naming the panel.
 */
class DashboardSeriesIT {
  private static final Path ROOT = repositoryRoot();
  private static final Path DASHBOARD =
      ROOT.resolve("helm/cyclegan-pipeline/files/grafana/cyclegan-pipeline.json");
  private static final Path RULES =
      ROOT.resolve("helm/cyclegan-pipeline/templates/monitoring/prometheusrule.yaml");

  /**
   * Series that other exporters make: Prometheus' own {@code up}, and the NVIDIA DCGM exporter's
   * GPU series (the GPU panels are empty without it).
   */
  private static boolean external(String name) {
    return name.equals("up") || name.startsWith("DCGM_");
  }

  @Test
  void shouldExposeEverySeriesThatAPanelOrAnAlertQueriesWhenTheServicesHaveWorked(@TempDir Path dir)
      throws Exception {
    TreeMap<String, List<String>> queried = QueriedSeries.ofDashboard(DASHBOARD);
    QueriedSeries.ofRuleTemplate(RULES)
        .forEach(
            (name, where) -> queried.computeIfAbsent(name, n -> new ArrayList<>()).addAll(where));
    assertThat(queried).as("queries read from %s and %s", DASHBOARD, RULES).hasSizeGreaterThan(20);

    Set<String> exposed = new TreeSet<>();
    try (LocalPipeline pipeline = LocalPipeline.start(LocalPipeline.Ports.ANY, null, false)) {
      work(pipeline, dir);
      for (int port :
          List.of(
              pipeline.ingestMetricsPort(),
              pipeline.trainingMetricsPort(),
              pipeline.inferenceMetricsPort())) {
        exposed.addAll(seriesNames(get("http://127.0.0.1:" + port + "/metrics")));
      }
    }

    Map<String, List<String>> missing = new TreeMap<>();
    queried.forEach(
        (name, where) -> {
          if (!external(name) && !exposed.contains(name)) {
            missing.put(name, where);
          }
        });
    assertThat(missing)
        .as("queried series that no service exposes, with who queries them")
        .isEmpty();
  }

  /** A small job and a few translations, through the same paths a user takes. */
  private static void work(LocalPipeline pipeline, Path dir) throws Exception {
    LocalStack stack = pipeline.stack();
    Path data = dir.resolve("data");
    new SyntheticShapes(32, 1).writeTo(data, 4, 4, 2);
    cli(stack, "dataset", "upload", "metrics-set", "--domain", "A", data.resolve("A").toString());
    cli(stack, "dataset", "upload", "metrics-set", "--domain", "B", data.resolve("B").toString());
    try (StackKit kit = new StackKit(stack);
        KafkaProducer<byte[], byte[]> producer = kit.producer()) {
      // Not an image: a rejection and a dead letter, so the error series exist.
      ProducerRecord<byte[], byte[]> bad =
          new ProducerRecord<>(
              "cyclegan.images.in",
              "bad".getBytes(),
              "not an image".getBytes(StandardCharsets.UTF_8));
      bad.headers().add(Headers.PURPOSE, Headers.PURPOSE_DATASET.getBytes());
      bad.headers().add(Headers.DATASET, "metrics-set".getBytes());
      bad.headers().add(Headers.DOMAIN, "A".getBytes());
      producer.send(bad).get();
    }
    cli(
        stack,
        "train",
        "--job",
        "metrics-job",
        "--model",
        "metrics-model",
        "--dataset",
        "metrics-set",
        "--image-size",
        "32",
        "--load-size",
        "36",
        "--ngf",
        "8",
        "--ndf",
        "8",
        "--generator-blocks",
        "2",
        "--epochs",
        "1",
        "--decay-epochs",
        "1",
        "--device",
        "cpu",
        "--follow",
        "--follow-timeout",
        "300");
    List<String> translate =
        new ArrayList<>(
            List.of(
                "translate",
                "--model",
                "metrics-model",
                "--out",
                dir.resolve("out").toString(),
                "--timeout",
                "120"));
    try (Stream<Path> files = Files.list(data.resolve("testA"))) {
      files.sorted().forEach(f -> translate.add(f.toString()));
    }
    cli(stack, translate.toArray(String[]::new));
    assertThat(get("http://127.0.0.1:" + pipeline.httpPort() + "/datasets"))
        .contains("metrics-set");
    // The GC pause timer is registered at the first collection, which a running service has
    // within seconds; this JVM may not have had one yet.
    System.gc();
  }

  private static void cli(LocalStack stack, String... words) {
    List<String> args = new ArrayList<>(List.of(words));
    args.addAll(
        List.of(
            "--bootstrap-servers", stack.bootstrapServers(),
            "--s3-endpoint", stack.s3Endpoint(),
            "--s3-access-key", stack.accessKey(),
            "--s3-secret-key", stack.secretKey(),
            "--bucket", stack.bucket()));
    StringWriter out = new StringWriter();
    CommandLine cli = CycleganCli.commandLine(new CliContext(new Env(Map.of()), false));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    assertThat(cli.execute(args.toArray(String[]::new))).as("%s\n%s", args, out).isZero();
  }

  /** Names of the samples in a Prometheus text exposition. */
  static Set<String> seriesNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        int end = line.length();
        for (char c : new char[] {'{', ' '}) {
          int i = line.indexOf(c);
          if (i >= 0 && i < end) {
            end = i;
          }
        }
        names.add(line.substring(0, end));
      }
    }
    return names;
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return response.body();
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("helm/cyclegan-pipeline"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("helm/cyclegan-pipeline not found above the working dir");
    }
    return dir;
  }
}
