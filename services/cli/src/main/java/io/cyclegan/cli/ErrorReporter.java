package io.cyclegan.cli;

import io.cyclegan.cli.console.TerminalText;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception from a command into one line on stderr and an exit status: users see what went
 * wrong, not a stack trace (set {@code CYCLEGAN_DEBUG=true} for one). A bad value (invalid name,
 * malformed parameter) is a usage error; anything else a failure.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
  private final boolean debug;

  ErrorReporter(boolean debug) {
    this.debug = debug;
  }

  @Override
  public int handleExecutionException(
      Exception exception, CommandLine command, ParseResult parseResult) {
    // The message can quote the HTTP API, a store or a sender: one line, nothing a terminal acts
    // on.
    command.getErr().println("error: " + TerminalText.line(describe(exception)));
    if (debug) {
      exception.printStackTrace(command.getErr());
    }
    command.getErr().flush();
    return exception instanceof IllegalArgumentException ? ExitCodes.USAGE : ExitCodes.FAILED;
  }

  static String describe(Throwable exception) {
    String message = exception.getMessage();
    Throwable cause = exception.getCause();
    if ((message == null || message.isBlank()) && cause != null) {
      return describe(cause);
    }
    String text = message == null ? exception.getClass().getSimpleName() : message;
    if (cause != null && cause.getMessage() != null && !text.contains(cause.getMessage())) {
      text += " (" + cause.getMessage() + ")";
    }
    return text;
  }
}
