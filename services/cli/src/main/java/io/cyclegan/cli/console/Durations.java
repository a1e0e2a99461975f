package io.cyclegan.cli.console;

import java.time.Duration;

/** Short human durations: {@code 45s}, {@code 3m20s}, {@code 2h05m}. */
public final class Durations {
  private Durations() {}

  public static String format(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format("%dm%02ds", s / 60, s % 60);
    }
    return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
  }
}
