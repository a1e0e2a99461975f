package io.cyclegan.cli.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The driver's progress lines: on stderr (stdout carries only the final JSON line) and in {@code
 * driver.log} of the run folder, each stamped with the time since the run began.
 */
final class RunLog {
  private final Path file;
  private final long startMs = System.currentTimeMillis();

  RunLog(Path file) {
    this.file = file;
  }

  long startMs() {
    return startMs;
  }

  synchronized void say(String format, Object... args) {
    long s = (System.currentTimeMillis() - startMs) / 1000;
    String line =
        String.format(
            Locale.ROOT,
            "chaos +%02d:%02d %s",
            s / 60,
            s % 60,
            String.format(Locale.ROOT, format, args));
    System.err.println(line);
    try {
      Files.writeString(
          file,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
