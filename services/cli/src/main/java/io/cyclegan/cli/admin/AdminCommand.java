package io.cyclegan.cli.admin;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code admin} group of commands. */
@Command(
    name = "admin",
    mixinStandardHelpOptions = true,
    description = "Operator tasks.",
    subcommands = CreateTopicsCommand.class)
public final class AdminCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
