package io.cyclegan.common.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The fast PNG mode against deflate level 1 on a folder of images (scripts/bench-png.sh; issue 15,
 * docs/benchmarks.md "PNG with Huffman codes only"). Each image is scaled to {@code size} x {@code
 * size} (bicubic, as RGB), then written both ways; one JSON line per image: the mode the fast
 * writer chose ({@code huffmanOnly}), the CPU of this thread per write (the lowest of 5 timed
 * rounds, after one of warm-up) and the bytes; then a summary over the images.
 *
 * <p>Arguments: {@code size}, then image files or folders (their readable images, by name).
 */
public final class PngCorpusBenchmark {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final int ROUNDS = 6;

  private PngCorpusBenchmark() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: size file-or-folder...");
    }
    int size = Integer.parseInt(args[0]);
    List<File> files = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      File f = new File(args[i]);
      File[] inside = f.listFiles();
      if (inside == null) {
        files.add(f);
      } else {
        java.util.Arrays.sort(inside);
        files.addAll(List.of(inside));
      }
    }
    int reps = Math.max(20, 200 * 64 * 64 / (size * size));
    double fastMs = 0;
    double level1Ms = 0;
    long fastBytes = 0;
    long level1Bytes = 0;
    int images = 0;
    for (File f : files) {
      BufferedImage read = f.isFile() ? read(f) : null;
      if (read == null) {
        continue;
      }
      BufferedImage image = scaled(read, size);
      double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
      byte[] fast = null;
      byte[] level1 = null;
      for (int round = 0; round < ROUNDS; round++) {
        long t0 = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < reps; i++) {
          fast = PngWriter.writeFast(image).orElseThrow();
        }
        long t1 = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < reps; i++) {
          level1 = PngWriter.write(image, ImageValidator.FAST_DEFLATE_LEVEL).orElseThrow();
        }
        long t2 = THREADS.getCurrentThreadCpuTime();
        if (round > 0) {
          best[0] = Math.min(best[0], (t1 - t0) / 1e6 / reps);
          best[1] = Math.min(best[1], (t2 - t1) / 1e6 / reps);
        }
      }
      // Huffman codes only write other bytes than level 1 (the same pixels).
      boolean huffmanOnly = !java.util.Arrays.equals(fast, level1);
      System.out.println(
          String.format(
              Locale.ROOT,
              "{\"bench\": \"png-corpus\", \"image\": \"%s\", \"size\": %d, \"huffmanOnly\": %b,"
                  + " \"fastCpuMs\": %.3f, \"fastBytes\": %d, \"level1CpuMs\": %.3f,"
                  + " \"level1Bytes\": %d, \"cpuRatio\": %.2f, \"bytesRatio\": %.3f}",
              f.getName(),
              size,
              huffmanOnly,
              best[0],
              fast.length,
              best[1],
              level1.length,
              best[0] / best[1],
              (double) fast.length / level1.length));
      fastMs += best[0];
      level1Ms += best[1];
      fastBytes += fast.length;
      level1Bytes += level1.length;
      images++;
    }
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"bench\": \"png-corpus-total\", \"size\": %d, \"images\": %d, \"fastCpuMs\": %.2f,"
                + " \"level1CpuMs\": %.2f, \"fastBytes\": %d, \"level1Bytes\": %d}",
            size,
            images,
            fastMs,
            level1Ms,
            fastBytes,
            level1Bytes));
  }

  /** The image in {@code f}, or null (with a line on stderr) where ImageIO cannot read one. */
  private static BufferedImage read(File f) {
    try {
      return ImageIO.read(f);
    } catch (IOException | RuntimeException e) {
      System.err.println("skipped " + f + ": " + e);
      return null;
    }
  }

  /** The image at {@code size} x {@code size}, RGB, by bicubic interpolation. */
  private static BufferedImage scaled(BufferedImage image, int size) {
    BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.drawImage(image, 0, 0, size, size, null);
    } finally {
      g.dispose();
    }
    return out;
  }
}
