package io.cyclegan.model.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class SampleGridTest {

  private static BufferedImage solid(Color c) {
    BufferedImage im = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        im.setRGB(x, y, c.getRGB());
      }
    }
    return im;
  }

  @Test
  void shouldPlaceAOnTopRowAndBOnBottomRowInRealFakeRecOrder() {
    Color[] colors = {Color.RED, Color.GREEN, Color.BLUE, Color.CYAN, Color.MAGENTA, Color.YELLOW};
    BufferedImage grid =
        SampleGrid.render(
            solid(colors[0]),
            solid(colors[1]),
            solid(colors[2]),
            solid(colors[3]),
            solid(colors[4]),
            solid(colors[5]));
    assertThat(grid.getWidth()).isEqualTo(3 * 4 + 2 * 2);
    assertThat(grid.getHeight()).isEqualTo(2 * 4 + 2);
    for (int i = 0; i < 6; i++) {
      int x = (i % 3) * 6 + 1;
      int y = (i / 3) * 6 + 1;
      assertThat(grid.getRGB(x, y)).as("cell %d", i).isEqualTo(colors[i].getRGB());
    }
  }
}
