package io.cyclegan.cli.models;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.cli.output.OutputOptions;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Lists every model's newest version from {@code models/{model}/latest.json}, the pointer the
 * training worker rewrites in one PUT when it publishes a version.
 */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "List published models; import or export PyTorch weights.",
    subcommands = {ModelImportCommand.class, ModelExportCommand.class})
public final class ModelsCommand extends ClientCommand {
  @Mixin OutputOptions output = new OutputOptions();

  @Option(
      names = "--limit",
      defaultValue = "0",
      paramLabel = "N",
      description = "list at most N models (default: 0, all of them)")
  int limit;

  ModelsCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    if (limit < 0) {
      throw new IllegalArgumentException("--limit must be 0 (all) or more, was " + limit);
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    Optional<ApiClient> api = api();
    if (api.isPresent()) {
      // GET /models, every page: {"models": [{"name", "latest": announcement or absent}]}
      List<JsonNode> models = api.get().getList("/models", "models", limit).orElse(List.of());
      for (JsonNode m : models) {
        if (m.hasNonNull("latest")) {
          rows.add(
              row(
                  m.path("name").asText(),
                  MessageCodec.mapper().convertValue(m.get("latest"), MAP)));
        }
      }
    } else {
      ObjectStore store = connection().store();
      for (String name : store.listPrefixes("models/")) {
        if (!Names.isValid(name)) {
          continue; // not written by the pipeline
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> latest =
            store.getJson(ObjectKeys.modelLatest(name), Map.class).orElse(null);
        if (latest != null) {
          rows.add(row(name, latest));
        }
        if (limit > 0 && rows.size() >= limit) {
          break;
        }
      }
    }
    output.printList(
        out(), "models", rows, List.of("name", "version", "imageSize", "time"), "no models");
    return ExitCodes.OK;
  }

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  /** name, version, imageSize, time (null when the announcement has none). */
  static Map<String, Object> row(String name, Map<String, Object> latest) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("name", latest.getOrDefault("model", name));
    row.put("version", latest.get("version"));
    row.put("imageSize", latest.get("imageSize"));
    row.put("time", latest.get("time"));
    return row;
  }
}
