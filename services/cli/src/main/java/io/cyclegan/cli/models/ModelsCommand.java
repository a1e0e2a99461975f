package io.cyclegan.cli.models;

import com.fasterxml.jackson.core.type.TypeReference;
import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.cli.listing.ApiPages;
import io.cyclegan.cli.listing.Cursor;
import io.cyclegan.cli.listing.Listing;
import io.cyclegan.cli.listing.Page;
import io.cyclegan.cli.listing.PageOptions;
import io.cyclegan.cli.listing.PageSource;
import io.cyclegan.cli.output.OutputOptions;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.store.Names;
import io.cyclegan.ingest.catalog.Catalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Lists models' newest versions from {@code models/{model}/latest.json}, the pointer the training
 * worker rewrites in one PUT when it publishes a version, a page at a time ({@code --limit}, {@code
 * --after}, the same over the HTTP API's {@code GET /models}). A model with no version published
 * yet is left out of its page.
 */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "List published models; import or export PyTorch weights.",
    subcommands = {ModelImportCommand.class, ModelExportCommand.class})
public final class ModelsCommand extends ClientCommand {
  private static final Listing LISTING =
      new Listing(
          "models",
          List.of("name", "version", "imageSize", "time"),
          "cyclegan models",
          Cursor.name("a model name"));

  @Mixin OutputOptions output = new OutputOptions();

  @Mixin PageOptions paging = new PageOptions();

  ModelsCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    Optional<ApiClient> api = api();
    PageSource source;
    if (api.isPresent()) {
      // GET /models: {"models": [{"name", "latest": announcement or absent}], "next"}
      source =
          new ApiPages(
              api.get(),
              "/models",
              "models",
              m ->
                  m.hasNonNull("latest")
                      ? Optional.of(
                          row(
                              m.path("name").asText(),
                              MessageCodec.mapper().convertValue(m.get("latest"), MAP)))
                      : Optional.empty());
    } else {
      // One delimited list request and one read of latest.json per model of the page.
      Catalog catalog = new Catalog(connection().store());
      source =
          (after, limit) -> {
            Catalog.Page<Catalog.ModelSummary> page = catalog.models(after, limit);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Catalog.ModelSummary model : page.items()) {
              if (Names.isValid(model.name()) && model.latest() != null) {
                rows.add(
                    row(model.name(), MessageCodec.mapper().convertValue(model.latest(), MAP)));
              } // else not written by the pipeline, or no version published yet
            }
            return new Page(rows, page.next());
          };
    }
    LISTING.run(paging, output, out(), err(), source);
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
