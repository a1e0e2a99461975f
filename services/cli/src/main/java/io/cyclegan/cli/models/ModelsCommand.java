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
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.ingest.catalog.Catalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Lists models' newest versions from {@code models/{model}/latest.json}, the pointer the training
 * worker rewrites in one PUT when it publishes a version, a page at a time ({@code --limit}, {@code
 * --after}).
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

  @Option(
      names = "--after",
      paramLabel = "MODEL",
      description =
          "start after this model (the cursor a previous listing printed; direct transport only)")
  String after;

  ModelsCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    if (limit < 0) {
      err().println("--limit must be 0 (all) or more, was " + limit);
      return ExitCodes.USAGE;
    }
    if (after != null && !Names.isValid(after)) {
      err().println("--after must be a model name, was '" + after + "'");
      return ExitCodes.USAGE;
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    Optional<ApiClient> api = api();
    if (api.isPresent()) {
      if (after != null) {
        err().println("--after works on the direct transport only (the API's cursors are opaque)");
        return ExitCodes.USAGE;
      }
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
      // A page at a time: one list request and one read per model of the page.
      Catalog catalog = new Catalog(connection().store());
      String cursor = after;
      Optional<String> more = Optional.empty();
      do {
        int want = limit == 0 ? ObjectStore.MAX_PAGE : Math.min(limit - rows.size(), 1000);
        Catalog.Page<Catalog.ModelSummary> page = catalog.models(cursor, want);
        for (Catalog.ModelSummary model : page.items()) {
          if (!Names.isValid(model.name()) || model.latest() == null) {
            continue; // not written by the pipeline, or no version published yet
          }
          rows.add(row(model.name(), MessageCodec.mapper().convertValue(model.latest(), MAP)));
        }
        more = page.next();
        cursor = more.orElse(null);
      } while (cursor != null && (limit == 0 || rows.size() < limit));
      // On stderr, so that -o json and yaml stay one document.
      more.ifPresent(n -> err().println("more: cyclegan models --after " + n));
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
