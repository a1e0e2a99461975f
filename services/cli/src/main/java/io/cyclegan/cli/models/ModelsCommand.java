package io.cyclegan.cli.models;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.ingest.catalog.Catalog;
import java.util.Map;
import picocli.CommandLine.Command;
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
  ModelsCommand(CliContext context) {
    super(context);
  }

  @Option(
      names = "--limit",
      defaultValue = "100",
      paramLabel = "N",
      description = "models per page, 1 to 1000 (default: ${DEFAULT-VALUE})")
  int limit;

  @Option(
      names = "--after",
      paramLabel = "MODEL",
      description = "start after this model (the cursor a previous page printed)")
  String after;

  @Override
  public Integer call() {
    if (limit < 1 || limit > ObjectStore.MAX_PAGE) {
      err().println("--limit must be 1 to " + ObjectStore.MAX_PAGE + ", was " + limit);
      return ExitCodes.USAGE;
    }
    if (after != null && !Names.isValid(after)) {
      err().println("--after must be a model name, was '" + after + "'");
      return ExitCodes.USAGE;
    }
    // One page: one list request and one read per model, whatever the number of models.
    Catalog.Page<Catalog.ModelSummary> page =
        new Catalog(connection().store()).models(after, limit);
    int count = 0;
    for (Catalog.ModelSummary model : page.items()) {
      if (!Names.isValid(model.name()) || model.latest() == null) {
        continue; // not written by the pipeline, or no version published yet
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> latest = MessageCodec.mapper().convertValue(model.latest(), Map.class);
      out().println(line(model.name(), latest));
      count++;
    }
    if (count == 0 && page.next().isEmpty()) {
      out().println("no models");
    }
    page.next().ifPresent(n -> out().println("more: cyclegan models --after " + n));
    return ExitCodes.OK;
  }

  /** {@code name version V imageSize N time T}; missing fields are left out. */
  static String line(String name, Map<String, Object> latest) {
    StringBuilder line =
        new StringBuilder(String.format("%-30s", latest.getOrDefault("model", name)));
    for (String field : new String[] {"version", "imageSize", "time"}) {
      if (latest.get(field) != null) {
        line.append(' ').append(field).append(' ').append(latest.get(field));
      }
    }
    return line.toString().stripTrailing();
  }
}
