package io.cyclegan.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TerminalTextTest {
  /** Clears the screen, sets the window title, rings the bell, and a C1 CSI. */
  private static final String SEQUENCES = "a\u001b[2Jb\u001b]0;title\u0007c\u009b31md\u007f";

  @Test
  void shouldEscapeWhatATerminalActsOnWhenWritten() {
    StringWriter sink = new StringWriter();
    PrintWriter out = TerminalText.safe(new PrintWriter(sink));

    out.print(SEQUENCES);
    out.print('\u001b');
    out.write(new char[] {'x', '\u0008', 'y'}, 0, 3);
    out.println(" tab\there \u202eevil\u202c r\u00e9sum\u00e9 \u65e5\u672c");
    out.print("live\rline\n");
    out.flush();

    assertThat(sink.toString())
        .isEqualTo(
            "a\\u001b[2Jb\\u001b]0;title\\u0007c\\u009b31md\\u007f"
                + "\\u001b"
                + "x\\u0008y"
                + " tab\there \\u202eevil\\u202c r\u00e9sum\u00e9 \u65e5\u672c"
                + System.lineSeparator()
                + "live\rline\n");
  }

  @Test
  void shouldKeepOneLineOneLineWhenTextHasLineBreaks() {
    assertThat(TerminalText.line("failed: boom\r\n12:00 INFO all is well" + SEQUENCES))
        .isEqualTo(
            "failed: boom\\r\\n12:00 INFO all is well"
                + "a\\u001b[2Jb\\u001b]0;title\\u0007c\\u009b31md\\u007f");
    String plain = "j1 epoch 3/10 step 120/400 D_A 0.213 4.2 img/s ETA 1m20s";
    assertThat(TerminalText.line(plain)).isSameAs(plain);
  }
}
