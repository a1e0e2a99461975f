package io.cyclegan.cli.models;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import java.util.Map;
import picocli.CommandLine.Command;

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
  ModelsCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    ObjectStore store = connection().store();
    int count = 0;
    for (String name : store.listPrefixes("models/")) {
      if (!Names.isValid(name)) {
        continue; // not written by the pipeline
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> latest =
          store.getJson(ObjectKeys.modelLatest(name), Map.class).orElse(null);
      if (latest != null) {
        out().println(line(name, latest));
        count++;
      }
    }
    if (count == 0) {
      out().println("no models");
    }
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
