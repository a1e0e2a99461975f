package io.cyclegan.cli.local;

import io.cyclegan.model.synthetic.TranslationMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * What the demo measured: for each held-out image, the L1 distance of the pipeline's output to the
 * true mapping, against the identity baseline (the input itself as the answer).
 */
record DemoSummary(List<Row> rows, double l1ToTruth, double identityBaseline) {

  /** One held-out image. */
  record Row(String name, BufferedImage input, BufferedImage output, BufferedImage truth) {}

  static DemoSummary measure(Path testA, Path testB, Path outputs) throws IOException {
    List<Row> rows = new ArrayList<>();
    double l1 = 0;
    double identity = 0;
    try (Stream<Path> files = Files.list(testA)) {
      for (Path a : files.sorted().toList()) {
        String name = a.getFileName().toString();
        String base = name.substring(0, name.lastIndexOf('.'));
        BufferedImage input = read(a);
        BufferedImage truth = read(testB.resolve(name));
        BufferedImage output = read(outputs.resolve(base + "-AtoB.png"));
        l1 += TranslationMetrics.l1(output, truth);
        identity += TranslationMetrics.l1(input, truth);
        rows.add(new Row(name, input, output, truth));
      }
    }
    if (rows.isEmpty()) {
      throw new IOException("no held-out images in " + testA);
    }
    return new DemoSummary(rows, l1 / rows.size(), identity / rows.size());
  }

  boolean beatsBaseline() {
    return l1ToTruth < identityBaseline;
  }

  /** input | output | truth, one row per image, for the first {@code count} images. */
  void writeGrid(Path file, int count) throws IOException {
    List<Row> shown = rows.subList(0, Math.min(count, rows.size()));
    int w = shown.get(0).input().getWidth();
    int h = shown.get(0).input().getHeight();
    int scale = Math.max(1, 96 / Math.max(w, h));
    BufferedImage grid =
        new BufferedImage(3 * w * scale, shown.size() * h * scale, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = grid.createGraphics();
    try {
      for (int r = 0; r < shown.size(); r++) {
        Row row = shown.get(r);
        BufferedImage[] cells = {row.input(), row.output(), row.truth()};
        for (int c = 0; c < 3; c++) {
          g.drawImage(cells[c], c * w * scale, r * h * scale, w * scale, h * scale, null);
        }
      }
    } finally {
      g.dispose();
    }
    ImageIO.write(grid, "png", file.toFile());
  }

  void write(Path json, Path text, String job, Duration took) throws IOException {
    double ratio = l1ToTruth / identityBaseline;
    Files.writeString(
        json,
        String.format(
            Locale.ROOT,
            "{\"job\":\"%s\",\"heldOutImages\":%d,\"l1ToTruth\":%.4f,\"identityBaselineL1\":%.4f,"
                + "\"ratio\":%.3f,\"beatsBaseline\":%b,\"seconds\":%d}%n",
            job,
            rows.size(),
            l1ToTruth,
            identityBaseline,
            ratio,
            beatsBaseline(),
            took.toSeconds()));
    Files.writeString(
        text,
        String.format(
            Locale.ROOT,
            "Demo summary (job %s, %d held-out images, %d s in all)%n"
                + "  L1 to the true mapping, model output:   %.4f%n"
                + "  L1 to the true mapping, identity (input): %.4f%n"
                + "  ratio %.2f: the model %s the identity baseline%n",
            job,
            rows.size(),
            took.toSeconds(),
            l1ToTruth,
            identityBaseline,
            ratio,
            beatsBaseline() ? "beats" : "does NOT beat"));
  }

  private static BufferedImage read(Path file) throws IOException {
    BufferedImage image = ImageIO.read(file.toFile());
    if (image == null) {
      throw new IOException("not an image: " + file);
    }
    return image;
  }
}
