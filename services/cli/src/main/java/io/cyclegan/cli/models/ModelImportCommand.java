package io.cyclegan.cli.models;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.cli.connect.Connection;
import io.cyclegan.cli.console.LiveLine;
import io.cyclegan.cli.training.ApiJobFollower;
import io.cyclegan.cli.training.TrainingPlan;
import io.cyclegan.common.fault.Dependency;
import io.cyclegan.common.fault.Retrier;
import io.cyclegan.common.fault.RetryPolicy;
import io.cyclegan.common.store.Names;
import io.cyclegan.model.interop.ModelImport;
import io.cyclegan.model.translate.Direction;
import io.cyclegan.training.artifacts.ImportedVersions;
import io.cyclegan.training.artifacts.ModelPublisher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cyclegan models import NAME --a2b FILE [--b2a FILE]}: publishes PyTorch generators (an
 * official {@code latest_net_G_A.pth}, or safetensors) as a model version, exactly as a finished
 * training job publishes one.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Publish PyTorch CycleGAN generators (.pth state_dict, zip or legacy, or .safetensors) as a"
          + " new model version. The architecture (ResNet and its blocks or U-Net, ngf, norm,"
          + " channels) is read from the tensors"
          + " and checked. With --a2b only, the version serves AtoB and refuses BtoA."
    })
public final class ModelImportCommand extends ClientCommand {

  /** The announcement waits this long for the broker, as before: a person is waiting. */
  private static final RetryPolicy ANNOUNCE_RETRY =
      new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(60));

  private static final DateTimeFormatter VERSION_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  @Parameters(index = "0", paramLabel = "NAME", description = "Model name.")
  String model;

  @Option(
      names = "--a2b",
      required = true,
      paramLabel = "FILE",
      description = "Generator A to B (the official G_A, latest_net_G_A.pth).")
  Path a2b;

  @Option(
      names = "--b2a",
      paramLabel = "FILE",
      description = "Generator B to A (the official G_B, latest_net_G_B.pth).")
  Path b2a;

  @Option(
      names = "--image-size",
      defaultValue = "256",
      paramLabel = "N",
      description = "The size the generators were trained at (default: ${DEFAULT-VALUE}).")
  int imageSize;

  @Option(
      names = "--version",
      paramLabel = "V",
      description = "The version to publish (default: imported-<UTC time>).")
  String version;

  @Option(
      names = "--follow-timeout",
      defaultValue = "300",
      paramLabel = "SECONDS",
      description =
          "over the HTTP API: how long to wait for the training worker's verdict (default:"
              + " ${DEFAULT-VALUE}; 0, no limit)")
  long followTimeoutSeconds;

  ModelImportCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() throws Exception {
    Names.require("model", model);
    String v = version != null ? version : "imported-" + VERSION_TIME.format(Instant.now());
    Names.require("model version", v);
    if (imageSize < 8) {
      throw new IllegalArgumentException("--image-size must be at least 8, was " + imageSize);
    }
    requireFile(a2b, "--a2b");
    if (b2a != null) {
      requireFile(b2a, "--b2a");
    }
    Optional<ApiClient> api = api();
    if (api.isPresent()) {
      return overApi(api.get(), v);
    }
    Connection connection = connection();
    Path tmp = Files.createTempDirectory("cyclegan-import-");
    try (KafkaProducer<byte[], byte[]> producer = connection.producer()) {
      ModelPublisher publisher =
          new ModelPublisher(
              connection.store(),
              producer,
              connection.topics().models(),
              "/cyclegan/cli",
              tmp,
              new Retrier(ANNOUNCE_RETRY, new Dependency("kafka-producer")));
      ImportedVersions imports = new ImportedVersions(connection.store(), publisher, tmp);
      if (imports.exists(model, v)) {
        throw new IllegalArgumentException(
            "model " + model + " already has a version " + v + "; choose another --version");
      }
      ImportedVersions.Published published;
      try {
        published =
            imports.publish(
                model,
                v,
                null,
                new ImportedVersions.Source(a2b, a2b.getFileName().toString()),
                b2a == null ? null : new ImportedVersions.Source(b2a, b2a.getFileName().toString()),
                imageSize);
      } catch (ImportedVersions.ImportRefusedException e) {
        // A corrupt or unsafe file is a failure (exit 1), a wrong architecture a usage error (2).
        if (e.getCause() instanceof IOException) {
          throw new IOException(e.getMessage(), e.getCause());
        }
        throw e;
      }
      ModelImport imported = published.imported();
      out()
          .printf(
              "imported %s version %s: %s, serves %s%n",
              model,
              published.announcement().version(),
              imported.describe(),
              String.join(
                  " and ", imported.directions().stream().map(Direction::wireName).toList()));
      for (String key : imported.dropped()) {
        out().println("dropped unused instance norm statistic " + key);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return ExitCodes.OK;
  }

  /**
   * The HTTP form (docs/http-api.md, "Import PyTorch generators"): each file PUT (streamed from
   * disk) under the version; the commit, which answers the import's job id; then that job followed
   * on its event stream to the training worker's verdict.
   */
  private int overApi(ApiClient api, String v) throws InterruptedException {
    String base = "/models/" + model + "/imports/" + v;
    api.sendFile("PUT", base + "/a2b", "application/octet-stream", a2b);
    if (b2a != null) {
      api.sendFile("PUT", base + "/b2a", "application/octet-stream", b2a);
    }
    // The import's job id is the API's, one per (model, version): not the version itself.
    String job = api.postJson(base, Map.of("imageSize", imageSize)).path("importId").asText(v);
    out().println("uploaded; the training worker imports " + model + " version " + v);
    out().flush();
    int status =
        new ApiJobFollower(api, job, TrainingPlan.UNKNOWN, new LiveLine(out(), false))
            .follow(Duration.ofSeconds(followTimeoutSeconds));
    if (status == ExitCodes.OK) {
      out().printf("imported %s version %s%n", model, v);
    }
    return status;
  }

  private static void requireFile(Path file, String option) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(option + ": no such file: " + file);
    }
  }
}
