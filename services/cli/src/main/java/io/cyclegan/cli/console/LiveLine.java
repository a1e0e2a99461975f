package io.cyclegan.cli.console;

import java.io.PrintWriter;

/**
 * One line that updates in place on a console ({@code \r}, padded over the previous text), and
 * becomes plain lines when the output is a file or a pipe, where carriage returns would leave
 * garbage in logs.
 */
public final class LiveLine {
  private final PrintWriter out;
  private final boolean interactive;
  private int shownLength;

  public LiveLine(PrintWriter out, boolean interactive) {
    this.out = out;
    this.interactive = interactive;
  }

  /**
   * Replaces the live line (console) or prints it as a line of its own (otherwise); a line break or
   * control character in {@code line} is printed escaped ({@link TerminalText#line}).
   */
  public void update(String line) {
    String text = TerminalText.line(line);
    if (interactive) {
      out.print("\r" + text + " ".repeat(Math.max(0, shownLength - text.length())));
      shownLength = text.length();
    } else {
      out.println(text);
    }
    out.flush();
  }

  /** Prints a permanent line above the live one. */
  public void println(String text) {
    clear();
    out.println(TerminalText.line(text));
    out.flush();
  }

  /** Ends the live line so later output starts on a fresh line. */
  public void finish() {
    if (interactive && shownLength > 0) {
      out.println();
      shownLength = 0;
      out.flush();
    }
  }

  private void clear() {
    if (interactive && shownLength > 0) {
      out.print("\r" + " ".repeat(shownLength) + "\r");
      shownLength = 0;
    }
  }
}
