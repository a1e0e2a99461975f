package io.cyclegan.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.CycleganCli;
import io.cyclegan.common.config.Env;
import io.cyclegan.model.synthetic.SyntheticShapes;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import picocli.CommandLine;

/**
 * The end-to-end scenario against the real {@code apache/kafka} and {@code minio/minio} images:
 * ingest a small data set, train a tiny model, translate. Runs where a Docker engine exists and is
 * reported as skipped elsewhere; it never replaces the embedded-stack tests.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerEndToEndIT {
  // Pinned tags: MinIO's community edition stopped publishing images in late 2025.
  @Container static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1");

  @Container
  static final MinIOContainer MINIO =
      new MinIOContainer("minio/minio:RELEASE.2025-04-22T22-12-26Z");

  @Test
  void shouldIngestTrainAndTranslateAgainstRealKafkaAndMinio(@TempDir Path dir) throws Exception {
    Map<String, String> connection =
        Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", KAFKA.getBootstrapServers(),
            "S3_ENDPOINT", MINIO.getS3URL(),
            "S3_ACCESS_KEY", MINIO.getUserName(),
            "S3_SECRET_KEY", MINIO.getPassword(),
            "S3_BUCKET", "cyclegan");
    assertThat(cli(connection, "admin", "create-topics", "--partitions", "3")).isZero();
    Path data = dir.resolve("data");
    new SyntheticShapes(32, 3).writeTo(data, 8, 8, 2);

    try (LocalPipeline pipeline =
        LocalPipeline.startServices(connection, LocalPipeline.Ports.ANY, dir.resolve("cache"))) {
      assertThat(
              cli(
                  connection,
                  "dataset",
                  "upload",
                  "tc",
                  "--domain",
                  "A",
                  data.resolve("A").toString()))
          .isZero();
      assertThat(
              cli(
                  connection,
                  "dataset",
                  "upload",
                  "tc",
                  "--domain",
                  "B",
                  data.resolve("B").toString()))
          .isZero();
      assertThat(
              cli(
                  connection,
                  "train",
                  "--job",
                  "tc-1",
                  "--model",
                  "tc",
                  "--dataset",
                  "tc",
                  "--image-size",
                  "32",
                  "--load-size",
                  "32",
                  "--ngf",
                  "4",
                  "--ndf",
                  "4",
                  "--generator-blocks",
                  "1",
                  "--epochs",
                  "1",
                  "--decay-epochs",
                  "0",
                  "--device",
                  "cpu",
                  "--follow",
                  "--follow-timeout",
                  "600"))
          .isZero();
      Path out = dir.resolve("out");
      List<String> translate =
          new ArrayList<>(List.of("translate", "--model", "tc", "--out", out.toString()));
      try (Stream<Path> files = Files.list(data.resolve("testA"))) {
        files.sorted().forEach(f -> translate.add(f.toString()));
      }
      assertThat(cli(connection, translate.toArray(String[]::new))).isZero();

      try (Stream<Path> outputs = Files.list(out)) {
        List<Path> pngs = outputs.toList();
        assertThat(pngs).hasSize(2);
        for (Path png : pngs) {
          BufferedImage image = ImageIO.read(png.toFile());
          assertThat(image.getWidth()).isEqualTo(32);
          assertThat(image.getHeight()).isEqualTo(32);
        }
      }
    }
  }

  /** Runs one client command against the containers, its connection options from the env. */
  private static int cli(Map<String, String> connection, String... args) {
    CommandLine cli = CycleganCli.commandLine(new CliContext(new Env(connection), false));
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(out));
    int rc = cli.execute(args);
    if (rc != 0) {
      System.err.println("cyclegan " + String.join(" ", args) + " -> " + rc + "\n" + out);
    }
    return rc;
  }
}
