package io.cyclegan.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  @Test
  void shouldRenderTheShareDone() {
    ProgressBar bar = new ProgressBar(new PrintWriter(new StringWriter()), true, "upload", 4);

    assertThat(bar.render(1, "a.png"))
        .isEqualTo("upload [#######.......................] 1/4 a.png");
  }

  @Test
  void shouldPrintPlainLinesWithoutCarriageReturnsWhenNoConsoleIsAttached() {
    StringWriter text = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(text), false, "upload", 2);

    bar.step(1, "a");
    bar.step(2, "b");
    bar.finish();

    assertThat(text.toString()).doesNotContain("\r").contains("1/2 a").contains("2/2 b");
  }

  @Test
  void shouldPrintEachCountOnceWhenNoConsoleIsAttached() {
    StringWriter text = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(text), false, "ingest", 3);

    bar.step(0, "");
    bar.step(0, "");
    bar.step(3, "");

    assertThat(text.toString().lines()).hasSize(2);
  }

  @Test
  void shouldFormatDurationsShortly() {
    assertThat(Durations.format(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(Durations.format(Duration.ofSeconds(200))).isEqualTo("3m20s");
    assertThat(Durations.format(Duration.ofMinutes(125))).isEqualTo("2h05m");
  }
}
