package io.cyclegan.cli.models;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.Connection;
import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.store.Names;
import io.cyclegan.model.interop.ModelImport;
import io.cyclegan.model.interop.StateDictFiles;
import io.cyclegan.model.translate.Direction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
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
          + " new model version. The architecture (residual blocks, ngf) is read from the tensors"
          + " and checked. With --a2b only, the version serves AtoB and refuses BtoA."
    })
public final class ModelImportCommand extends ClientCommand {

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
    StateDictFiles.Read a = StateDictFiles.read(a2b);
    StateDictFiles.Read b = b2a == null ? null : StateDictFiles.read(b2a);
    ModelImport imported = ModelImport.of(a.stateDict(), b == null ? null : b.stateDict());

    Map<String, Object> source = new LinkedHashMap<>();
    source.put("AtoB", describe(a2b, a.format()));
    if (b != null) {
      source.put("BtoA", describe(b2a, b.format()));
    }
    Connection connection = connection();
    Path tmp = Files.createTempFile("cyclegan-import-", ".bin");
    try (KafkaProducer<byte[], byte[]> producer = connection.producer()) {
      VersionPublisher publisher =
          new VersionPublisher(
              connection.store(), producer, connection.topics().models(), "/cyclegan/cli");
      publisher.requireNew(model, v);
      try (OutputStream out = Files.newOutputStream(tmp)) {
        imported.write(out, imageSize, source);
      }
      ModelAnnouncement published =
          publisher.publish(model, v, tmp, config(v, imported, source), imageSize);
      out()
          .printf(
              "imported %s version %s: ngf %d, %d residual blocks, serves %s%n",
              model,
              published.version(),
              imported.architecture().ngf(),
              imported.architecture().generatorBlocks(),
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

  private Map<String, Object> config(String v, ModelImport imported, Map<String, Object> source) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("model", model);
    config.put("version", v);
    config.put("importedFrom", source);
    config.put("directions", imported.directions().stream().map(Direction::wireName).toList());
    config.put(
        "params",
        Map.of(
            "imageSize", imageSize,
            "generatorBlocks", imported.architecture().generatorBlocks(),
            "ngf", imported.architecture().ngf()));
    config.put("createdAt", Instant.now().toString());
    return config;
  }

  private static Map<String, String> describe(Path file, StateDictFiles.Format format)
      throws IOException {
    return Map.of(
        "file", file.getFileName().toString(),
        "format", format.extension(),
        "sha256", sha256(file));
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
