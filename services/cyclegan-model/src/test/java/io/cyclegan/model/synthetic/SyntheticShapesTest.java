package io.cyclegan.model.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cyclegan.model.data.ImageSource;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticShapesTest {

  private final SyntheticShapes shapes = new SyntheticShapes(32, 9);

  private static int[] pixels(BufferedImage im) {
    return im.getRGB(0, 0, im.getWidth(), im.getHeight(), null, 0, im.getWidth());
  }

  @Test
  void shouldBeSameImagesWhenSameSeed() {
    assertThat(pixels(new SyntheticShapes(32, 9).trainA(3)))
        .containsExactly(pixels(shapes.trainA(3)));
    assertThat(pixels(new SyntheticShapes(32, 10).trainA(3)))
        .isNotEqualTo(pixels(shapes.trainA(3)));
  }

  @Test
  void shouldSwapRedAndBlueWhenMappingToB() {
    BufferedImage a = shapes.testA(0);
    BufferedImage b = SyntheticShapes.mapToB(a);
    int pa = a.getRGB(5, 5) & 0xFFFFFF;
    int pb = b.getRGB(5, 5) & 0xFFFFFF;
    assertThat(pb).isEqualTo(((pa & 0xFF) << 16) | (pa & 0xFF00) | (pa >> 16));
    assertThat(pixels(SyntheticShapes.mapToB(b))).containsExactly(pixels(a));
  }

  @Test
  void shouldHaveWarmAAndCoolBSoTheMappingIsIdentifiable() {
    for (int i = 0; i < 20; i++) {
      for (int p : pixels(shapes.trainA(i))) {
        assertThat((p >> 16) & 0xFF).isGreaterThan(p & 0xFF);
      }
      for (int p : pixels(shapes.trainB(i))) {
        assertThat(p & 0xFF).isGreaterThan((p >> 16) & 0xFF);
      }
    }
  }

  @Test
  void shouldScoreZeroForTruthAndPositiveBaselineWhenMeasured() {
    List<BufferedImage> test = shapes.testA(0, 16);
    double baseline = TranslationMetrics.identityBaseline(test, SyntheticShapes::mapToB);
    assertThat(baseline).isBetween(0.4, 1.0);
    List<BufferedImage> truth = test.stream().map(SyntheticShapes::mapToB).toList();
    assertThat(TranslationMetrics.l1ToTruth(test, truth, SyntheticShapes::mapToB)).isZero();
    // Black vs white is the largest distance, 2 on the [-1, 1] scale.
    BufferedImage black = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    BufferedImage white = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < 4; i++) {
      white.setRGB(i % 2, i / 2, 0xFFFFFF);
    }
    assertThat(TranslationMetrics.l1(black, white)).isCloseTo(2.0, within(1e-12));
  }

  @Test
  void shouldWriteTrainAndHeldOutFoldersWhenWritingTo(@TempDir Path dir) throws Exception {
    shapes.writeTo(dir, 3, 2, 4);
    try (var a = Files.list(dir.resolve("A"));
        var b = Files.list(dir.resolve("B"));
        var t = Files.list(dir.resolve("testA"));
        var tb = Files.list(dir.resolve("testB"))) {
      assertThat(a.count()).isEqualTo(3);
      assertThat(b.count()).isEqualTo(2);
      assertThat(t.count()).isEqualTo(4);
      assertThat(tb.count()).isEqualTo(4);
    }
    ImageSource a = ImageSource.ofDirectory(dir.resolve("A"));
    assertThat(a.size()).isEqualTo(3);
    assertThat(pixels(a.load(2))).containsExactly(pixels(shapes.trainA(2)));
    BufferedImage read = ImageIO.read(dir.resolve("testB/00001.png").toFile());
    assertThat(pixels(read)).containsExactly(pixels(SyntheticShapes.mapToB(shapes.testA(1))));
  }
}
