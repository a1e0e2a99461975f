package io.cyclegan.cli;

import io.cyclegan.cli.admin.AdminCommand;
import io.cyclegan.cli.chaos.ChaosCommand;
import io.cyclegan.cli.dataset.DatasetCommand;
import io.cyclegan.cli.dataset.DatasetsCommand;
import io.cyclegan.cli.dlq.DlqCommand;
import io.cyclegan.cli.local.DemoCommand;
import io.cyclegan.cli.local.UpCommand;
import io.cyclegan.cli.models.ModelsCommand;
import io.cyclegan.cli.training.CancelCommand;
import io.cyclegan.cli.training.JobCommand;
import io.cyclegan.cli.training.JobsCommand;
import io.cyclegan.cli.training.TrainCommand;
import io.cyclegan.cli.translate.TranslateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code cyclegan} command: a client of the pipeline that speaks Kafka and S3, or the HTTP API
 * ({@code --api}, or a profile) from outside the cluster.
 */
@Command(
    name = "cyclegan",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Drive the CycleGAN pipeline over Kafka and S3, or over its HTTP API (--api).",
    subcommands = {
      DatasetCommand.class,
      DatasetsCommand.class,
      TrainCommand.class,
      TranslateCommand.class,
      JobsCommand.class,
      JobCommand.class,
      CancelCommand.class,
      ModelsCommand.class,
      DlqCommand.class,
      AdminCommand.class,
      UpCommand.class,
      DemoCommand.class,
      ChaosCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class CycleganCli implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The command line with every subcommand wired to {@code context}. */
  public static CommandLine commandLine(CliContext context) {
    CommandLine cli = new CommandLine(new CycleganCli(), new CommandFactory(context));
    cli.setExecutionExceptionHandler(
        new ErrorReporter(context.env().bool("CYCLEGAN_DEBUG", false)));
    return cli;
  }

  public static void main(String[] args) {
    // Must be set before the first logger is created, which is when logback configures itself;
    // the services' shared logback.xml logs at INFO, which would bury a command's output.
    // `up` runs the services, whose INFO lines (with job and request ids) are its output.
    boolean runsServices = args.length > 0 && args[0].equals("up");
    if (System.getProperty("logback.configurationFile") == null && !runsServices) {
      System.setProperty("logback.configurationFile", "cyclegan-cli-logback.xml");
    }
    System.exit(commandLine(CliContext.system()).execute(args));
  }
}
