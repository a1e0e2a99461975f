package io.cyclegan.cli.dataset;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code dataset} group of commands. */
@Command(
    name = "dataset",
    mixinStandardHelpOptions = true,
    description = "Work with training datasets.",
    subcommands = {
      DatasetUploadCommand.class,
      DatasetListCommand.class,
      DatasetImagesCommand.class
    })
public final class DatasetCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
