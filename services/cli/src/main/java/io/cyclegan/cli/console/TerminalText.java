package io.cyclegan.cli.console;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * Text from outside made safe for a terminal. What the CLI prints comes in part from other parties:
 * a job's error (which can quote a parameter name a sender chose), a state document or a listing
 * from the store, an event from a topic, an error from the HTTP API. A control character in it
 * could move the cursor, rewrite lines already shown, change the window's title or hide text
 * (escape sequences), and a Unicode direction override could make it read otherwise than it is.
 * Such characters are printed as {@code \}{@code u001b} instead, as the services' logs write them
 * (LogValues).
 */
public final class TerminalText {
  private TerminalText() {}

  /**
   * True for a character a terminal acts on rather than shows: C0 controls other than tab, line
   * feed and carriage return (the CLI's own live line uses that), DEL, C1 controls, the Unicode
   * line and paragraph separators and the direction embeddings, overrides and isolates.
   */
  static boolean acts(char c) {
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
        || (c >= 0x7f && c <= 0x9f)
        || c == '\u2028'
        || c == '\u2029'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069')
        || c == '\u200e'
        || c == '\u200f'
        || c == '\u061c';
  }

  /** {@code text} for one line: besides what {@link #acts} covers, CR and LF are escaped too. */
  public static String line(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String escaped = c == '\n' ? "\\n" : c == '\r' ? "\\r" : acts(c) ? escape(c) : null;
      if (escaped != null && out == null) {
        out = new StringBuilder(text.length() + 8).append(text, 0, i);
      }
      if (out != null) {
        if (escaped != null) {
          out.append(escaped);
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? text : out.toString();
  }

  /** A writer that passes everything to {@code out} but what {@link #acts}, which it escapes. */
  public static PrintWriter safe(PrintWriter out) {
    return new PrintWriter(new Escaping(out), true);
  }

  private static String escape(char c) {
    return String.format("\\u%04x", (int) c);
  }

  private static final class Escaping extends FilterWriter {
    Escaping(Writer out) {
      super(out);
    }

    @Override
    public void write(int c) throws IOException {
      write(new char[] {(char) c}, 0, 1);
    }

    @Override
    public void write(char[] chars, int off, int len) throws IOException {
      int start = off;
      for (int i = off; i < off + len; i++) {
        if (acts(chars[i])) {
          out.write(chars, start, i - start);
          out.write(escape(chars[i]));
          start = i + 1;
        }
      }
      out.write(chars, start, off + len - start);
    }

    @Override
    public void write(String s, int off, int len) throws IOException {
      char[] chars = new char[len];
      s.getChars(off, off + len, chars, 0);
      write(chars, 0, len);
    }
  }
}
