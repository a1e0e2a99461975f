package io.cyclegan.cli.models;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectInfo;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.model.checkpoint.TensorArchive;
import io.cyclegan.model.interop.ModelExport;
import io.cyclegan.model.interop.StateDictFiles.Format;
import io.cyclegan.model.train.TrainingCheckpoint;
import io.cyclegan.training.artifacts.JobKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cyclegan models export NAME --format pth|safetensors --out DIR}: a published version as
 * files the official PyTorch code loads with {@code load_state_dict} ({@code latest_net_G_A.pth},
 * ...), from its generators or, with {@code --with-discriminators}, its newest training checkpoint.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Write a model version as official PyTorch CycleGAN state_dicts: latest_net_G_A and"
          + " latest_net_G_B (and D_A, D_B with --with-discriminators), in .pth (torch.save zip)"
          + " or .safetensors."
    })
public final class ModelExportCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "NAME", description = "Model name.")
  String model;

  @Option(
      names = "--version",
      paramLabel = "V",
      description = "The version (default: the newest, from latest.json).")
  String version;

  @Option(
      names = "--format",
      required = true,
      paramLabel = "FORMAT",
      description = "pth or safetensors.")
  String format;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Option(
      names = "--with-discriminators",
      description = "Export D_A and D_B too, from the version's newest training checkpoint.")
  boolean withDiscriminators;

  ModelExportCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() throws Exception {
    Names.require("model", model);
    Format f = Format.parse(format);
    if (api().isPresent()) {
      return overApi(api().get(), f);
    }
    ObjectStore store = connection().store();
    String v = version != null ? Names.require("model version", version) : latestVersion(store);
    String key =
        withDiscriminators ? newestCheckpoint(store, v) : ObjectKeys.modelGenerators(model, v);
    Path tmp = Files.createTempFile("cyclegan-export-", ".bin");
    try {
      if (!store.getToFile(key, tmp)) {
        throw new IllegalArgumentException("model " + model + " has no version " + v);
      }
      TensorArchive.Contents archive;
      try (InputStream in = Files.newInputStream(tmp)) {
        archive =
            TensorArchive.read(
                in,
                withDiscriminators ? TrainingCheckpoint.MAGIC : TrainingCheckpoint.EXPORT_MAGIC);
      }
      List<Path> files = ModelExport.write(archive, f, out);
      out().printf("exported %s version %s:%n", model, v);
      files.forEach(p -> out().println("  " + p));
    } finally {
      Files.deleteIfExists(tmp);
    }
    return ExitCodes.OK;
  }

  /**
   * Over the HTTP API: {@code GET /models/{name}/versions/{v}/export} once per direction, into the
   * files the direct transport writes (latest_net_G_A, and latest_net_G_B unless the version was
   * imported in one direction only). The discriminators live in training checkpoints, which the API
   * does not serve.
   */
  private Integer overApi(ApiClient api, Format f) throws IOException {
    if (withDiscriminators) {
      throw notOverApi(
          "models export --with-discriminators", "for a version's training checkpoints");
    }
    String v = version != null ? Names.require("model version", version) : latestVersion(api);
    Files.createDirectories(out);
    List<Path> files = new ArrayList<>();
    for (String direction : List.of("AtoB", "BtoA")) {
      String net = direction.equals("AtoB") ? "G_A" : "G_B";
      Path target = out.resolve("latest_net_" + net + "." + f.extension());
      String path =
          "/models/"
              + model
              + "/versions/"
              + v
              + "/export?format="
              + f.extension()
              + "&direction="
              + direction;
      if (api.download(path, target)) {
        files.add(target);
      } else if (direction.equals("AtoB")) {
        throw new IllegalArgumentException("model " + model + " has no version " + v);
      }
    }
    out().printf("exported %s version %s:%n", model, v);
    files.forEach(p -> out().println("  " + p));
    return ExitCodes.OK;
  }

  /** The newest version from {@code GET /models/{name}}: one call, however many models exist. */
  private String latestVersion(ApiClient api) {
    JsonNode found =
        api.getJson("/models/" + model)
            .orElseThrow(() -> new IllegalArgumentException("no model named " + model));
    JsonNode v = found.path("latest").path("version");
    if (!v.isTextual()) {
      throw new IllegalArgumentException("model " + model + " has no published version yet");
    }
    return Names.require("model version", v.asText());
  }

  private String latestVersion(ObjectStore store) {
    @SuppressWarnings("unchecked")
    Map<String, Object> latest =
        store
            .getJson(ObjectKeys.modelLatest(model), Map.class)
            .orElseThrow(() -> new IllegalArgumentException("no model named " + model));
    return Names.require("model version", String.valueOf(latest.get("version")));
  }

  /**
   * The newest training checkpoint of a version: of the highest lease epoch, then the furthest
   * position, as the training worker picks it ({@link JobKeys#newestCheckpoint}).
   */
  private String newestCheckpoint(ObjectStore store, String v) throws IOException {
    return JobKeys.newestCheckpoint(
            store.list(JobKeys.checkpointPrefix(model, v)).stream().map(ObjectInfo::key).toList())
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "model "
                        + model
                        + " version "
                        + v
                        + " has no training checkpoint (an imported version has no"
                        + " discriminators); export without --with-discriminators"));
  }
}
