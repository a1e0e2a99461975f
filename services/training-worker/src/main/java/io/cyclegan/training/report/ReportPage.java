package io.cyclegan.training.report;

import io.cyclegan.common.messages.TrainingEvent;
import java.util.List;
import java.util.Locale;

/**
 * Renders {@code jobs/{jobId}/report.html}: one self-contained page (inline SVG loss curves, no
 * script, no external style) whose sample images are relative links to {@code samples/epoch-N.png}
 * beside it, so it opens in a browser straight from the store.
 */
public final class ReportPage {
  private static final int WIDTH = 520;
  private static final int HEIGHT = 200;
  private static final int PAD = 36;
  private static final String[] COLOURS = {"#1f77b4", "#d62728"};

  private ReportPage() {}

  /**
   * @param title e.g. the job id, model and dataset
   * @param status the job's state when the page was written
   * @param sampleEpochs the epochs that have a sample grid, in order
   */
  public static String render(
      String title, String status, List<LossRow> rows, List<Integer> sampleEpochs) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>")
        .append(escape(title))
        .append("</title>\n<style>body{font-family:sans-serif;margin:2em}")
        .append("figure{display:inline-block;margin:0 1em 1em 0}")
        .append("img{image-rendering:pixelated;width:384px}</style>\n</head>\n<body>\n")
        .append("<h1>")
        .append(escape(title))
        .append("</h1>\n<p>State: <b>")
        .append(escape(status))
        .append("</b>; ")
        .append(rows.size())
        .append(" loss readings")
        .append(rows.isEmpty() ? "" : ", last at epoch " + rows.get(rows.size() - 1).epoch() + ".")
        .append("</p>\n<h2>Losses</h2>\n");
    List<String> terms = TrainingEvent.LOSS_TERMS;
    // Pairs as the reference plots them: the A and B side of each term in one chart.
    for (int pair = 0; pair < 4; pair++) {
      h.append(chart(rows, terms.get(pair), pair, terms.get(pair + 4), pair + 4));
    }
    h.append("<h2>Samples</h2>\n<p>Top: real A | fake B | reconstructed A. Bottom: real B |")
        .append(" fake A | reconstructed B.</p>\n");
    for (int epoch : sampleEpochs) {
      h.append("<figure><img src=\"samples/epoch-")
          .append(epoch)
          .append(".png\" alt=\"samples after epoch ")
          .append(epoch)
          .append("\"><figcaption>epoch ")
          .append(epoch)
          .append("</figcaption></figure>\n");
    }
    h.append("<p><a href=\"losses.csv\">losses.csv</a></p>\n</body>\n</html>\n");
    return h.toString();
  }

  private static String chart(
      List<LossRow> rows, String nameA, int indexA, String nameB, int indexB) {
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(HEIGHT)
        .append("\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(HEIGHT)
        .append("\" role=\"img\" aria-label=\"")
        .append(nameA)
        .append(" and ")
        .append(nameB)
        .append("\">\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\" stroke=\"#ccc\"/>\n");
    if (!rows.isEmpty()) {
      double maxStep = Math.max(1, rows.get(rows.size() - 1).globalStep());
      double minStep = rows.get(0).globalStep();
      double max = 0;
      for (LossRow r : rows) {
        max =
            Math.max(max, Math.max(finite(r.losses().get(indexA)), finite(r.losses().get(indexB))));
      }
      max = max <= 0 ? 1 : max;
      int i = 0;
      for (int index : new int[] {indexA, indexB}) {
        s.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"")
            .append(COLOURS[i++])
            .append("\" points=\"");
        for (LossRow r : rows) {
          double x =
              PAD + (r.globalStep() - minStep) / Math.max(1, maxStep - minStep) * (WIDTH - 2 * PAD);
          double y = HEIGHT - PAD - finite(r.losses().get(index)) / max * (HEIGHT - 2 * PAD);
          s.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        s.append("\"/>\n");
      }
      s.append(label(PAD, 14, "max " + String.format(Locale.ROOT, "%.3g", max), "#333"))
          .append(label(PAD, HEIGHT - 8, "step " + (long) minStep, "#333"))
          .append(label(WIDTH - PAD - 60, HEIGHT - 8, "step " + (long) maxStep, "#333"));
    }
    s.append(label(WIDTH - 150, 14, nameA, COLOURS[0]))
        .append(label(WIDTH - 80, 14, nameB, COLOURS[1]))
        .append("</svg>\n");
    return s.toString();
  }

  private static String label(int x, int y, String text, String colour) {
    return "<text x=\""
        + x
        + "\" y=\""
        + y
        + "\" font-size=\"11\" fill=\""
        + colour
        + "\">"
        + escape(text)
        + "</text>\n";
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0;
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
