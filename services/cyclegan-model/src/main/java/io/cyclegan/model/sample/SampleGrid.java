package io.cyclegan.model.sample;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * The reference visualiser's layout as one image: real A | fake B | rec A on the first row, real B
 * | fake A | rec B on the second, each cell the size of the largest input, separated by a 2-pixel
 * white gutter.
 */
public final class SampleGrid {

  private static final int GUTTER = 2;

  private SampleGrid() {}

  /** Renders the six images into a 3 x 2 grid. */
  public static BufferedImage render(
      BufferedImage realA,
      BufferedImage fakeB,
      BufferedImage recA,
      BufferedImage realB,
      BufferedImage fakeA,
      BufferedImage recB) {
    BufferedImage[] cells = {realA, fakeB, recA, realB, fakeA, recB};
    int w = 0;
    int h = 0;
    for (BufferedImage c : cells) {
      w = Math.max(w, c.getWidth());
      h = Math.max(h, c.getHeight());
    }
    BufferedImage grid =
        new BufferedImage(3 * w + 2 * GUTTER, 2 * h + GUTTER, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = grid.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
      for (int i = 0; i < cells.length; i++) {
        g.drawImage(cells[i], (i % 3) * (w + GUTTER), (i / 3) * (h + GUTTER), null);
      }
    } finally {
      g.dispose();
    }
    return grid;
  }
}
