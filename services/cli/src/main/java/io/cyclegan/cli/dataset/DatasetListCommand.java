package io.cyclegan.cli.dataset;

import io.cyclegan.cli.CliContext;
import picocli.CommandLine.Command;

/**
 * {@code cyclegan dataset list}: the same listing as {@code cyclegan datasets}, by its old name.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List datasets and their image counts, a page at a time (= cyclegan datasets).")
public final class DatasetListCommand extends DatasetsCommand {
  DatasetListCommand(CliContext context) {
    super(context);
  }
}
