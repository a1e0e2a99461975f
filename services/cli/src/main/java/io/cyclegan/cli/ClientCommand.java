package io.cyclegan.cli;

import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.cli.connect.Connection;
import io.cyclegan.cli.connect.ConnectionOptions;
import io.cyclegan.cli.console.TerminalText;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to Kafka and the store: it carries the connection options and writes to
 * picocli's writers (which tests replace), never to {@code System.out}.
 */
public abstract class ClientCommand implements Callable<Integer> {

  @Mixin protected ConnectionOptions connectionOptions = new ConnectionOptions();

  @Spec protected CommandSpec spec;

  protected final CliContext context;

  private PrintWriter out;
  private PrintWriter err;

  protected ClientCommand(CliContext context) {
    this.context = context;
  }

  /**
   * The HTTP transport when one is configured ({@code --api}, {@code CYCLEGAN_API_URL}, a profile);
   * empty for Kafka and S3.
   */
  protected Optional<ApiClient> api() {
    return connectionOptions.api(context.env());
  }

  /**
   * Refuses a command the HTTP API has no endpoint for, saying so: it needs Kafka and S3 access.
   */
  protected static IllegalStateException notOverApi(String command, String missing) {
    return new IllegalStateException(
        "'"
            + command
            + "' does not work over the HTTP API: it has no endpoint "
            + missing
            + "; run it with Kafka and S3 access (without --api or a profile)");
  }

  /** The connection settings, resolved from the options, then the environment, then defaults. */
  protected Connection connection() {
    return connectionOptions.resolve(context.env());
  }

  /**
   * picocli's standard output, through {@link TerminalText#safe}: much of what goes there is from
   * outside.
   */
  protected PrintWriter out() {
    if (out == null) {
      out = TerminalText.safe(spec.commandLine().getOut());
    }
    return out;
  }

  /** picocli's standard error, through {@link TerminalText#safe}. */
  protected PrintWriter err() {
    if (err == null) {
      err = TerminalText.safe(spec.commandLine().getErr());
    }
    return err;
  }
}
