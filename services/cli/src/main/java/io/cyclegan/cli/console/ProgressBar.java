package io.cyclegan.cli.console;

import java.io.PrintWriter;

/**
 * A counted progress bar ({@code [#####.....] 12/40 label}) on a console; without one, a plain line
 * at every twentieth of the way and at the end, so a log shows progress without a line per item.
 */
public final class ProgressBar {
  private static final int WIDTH = 30;

  private final LiveLine line;
  private final boolean interactive;
  private final String task;
  private final int total;
  private final int plainEvery;
  private int lastShown = -1;

  public ProgressBar(PrintWriter out, boolean interactive, String task, int total) {
    this.line = new LiveLine(out, interactive);
    this.interactive = interactive;
    this.task = task;
    this.total = total;
    this.plainEvery = Math.max(1, total / 20);
  }

  /** Shows {@code done} of the total; without a console, only when it moved on a twentieth. */
  public void step(int done, String label) {
    if (!interactive) {
      boolean milestone = done == total || done % plainEvery == 0;
      if (done == lastShown || (!milestone && lastShown >= 0)) {
        return;
      }
    }
    lastShown = done;
    line.update(render(done, label));
  }

  public void finish() {
    line.finish();
  }

  String render(int done, String label) {
    int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
    return task
        + " ["
        + "#".repeat(filled)
        + ".".repeat(WIDTH - filled)
        + "] "
        + done
        + "/"
        + total
        + (label == null || label.isEmpty() ? "" : " " + label);
  }
}
