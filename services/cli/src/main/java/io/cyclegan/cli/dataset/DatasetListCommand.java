package io.cyclegan.cli.dataset;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.ingest.catalog.Catalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Lists datasets with their image counts, a page at a time, from the summaries ingest keeps in
 * {@code catalog/datasets/}: one list request and one small read per dataset of the page, however
 * many images the datasets hold (docs/retention.md).
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List datasets and their image counts, a page at a time.")
public final class DatasetListCommand extends ClientCommand {
  @Option(
      names = "--limit",
      defaultValue = "100",
      paramLabel = "N",
      description = "datasets per page, 1 to 1000 (default: ${DEFAULT-VALUE})")
  int limit;

  @Option(
      names = "--after",
      paramLabel = "DATASET",
      description = "start after this dataset (the cursor a previous page printed)")
  String after;

  DatasetListCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    if (limit < 1 || limit > ObjectStore.MAX_PAGE) {
      err().println("--limit must be 1 to " + ObjectStore.MAX_PAGE + ", was " + limit);
      return ExitCodes.USAGE;
    }
    if (after != null && !Names.isValid(after)) {
      err().println("--after must be a dataset name, was '" + after + "'");
      return ExitCodes.USAGE;
    }
    Catalog.Page<Catalog.DatasetSummary> page =
        new Catalog(connection().store()).datasets(after, limit);
    for (Catalog.DatasetSummary d : page.items()) {
      out().println(line(d));
    }
    if (page.items().isEmpty() && page.next().isEmpty()) {
      out().println("no datasets");
    }
    page.next().ifPresent(n -> out().println("more: cyclegan dataset list --after " + n));
    return ExitCodes.OK;
  }

  /** {@code name A n B m}. */
  static String line(Catalog.DatasetSummary d) {
    return String.format(
        "%-30s A %d B %d",
        d.name(), d.counts().getOrDefault("A", 0L), d.counts().getOrDefault("B", 0L));
  }
}
