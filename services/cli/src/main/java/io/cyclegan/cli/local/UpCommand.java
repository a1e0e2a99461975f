package io.cyclegan.cli.local;

import io.cyclegan.cli.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Registered now so the command list is complete; it needs the services on the class path, which a
 * later change adds.
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description =
        "Run the local stack and all three services in the foreground. (not available yet)")
public final class UpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("cyclegan up: not available yet");
    return ExitCodes.FAILED;
  }
}
