package io.cyclegan.model.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.checkpoint.Architecture;
import io.cyclegan.model.checkpoint.CorruptCheckpointException;
import io.cyclegan.model.checkpoint.IncompatibleCheckpointException;
import io.cyclegan.model.nn.GradMode;
import io.cyclegan.model.synthetic.SyntheticShapes;
import io.cyclegan.model.train.CycleGanModel;
import io.cyclegan.model.train.TrainingCheckpoint;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CycleGanTranslatorTest {

  private static final CycleGanConfig CONFIG =
      CycleGanConfig.builder()
          .optImageSize(32)
          .optNgf(4)
          .optNdf(4)
          .optGeneratorBlocks(2)
          .optSeed(3)
          .optDevice("cpu")
          .build();

  private static NDManager manager;
  private static CycleGanModel model;
  private static byte[] export;
  private static byte[] checkpoint;

  @BeforeAll
  static void trainNothingAndExport() throws Exception {
    manager = NDManager.newBaseManager();
    model = new CycleGanModel(manager, CONFIG);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TrainingCheckpoint.writeGenerators(out, model, new TrainingCheckpoint.Position(4, 0, 40));
    export = out.toByteArray();
    out = new ByteArrayOutputStream();
    TrainingCheckpoint.write(out, model, new TrainingCheckpoint.Position(4, 0, 40));
    checkpoint = out.toByteArray();
  }

  @AfterAll
  static void close() {
    model.close();
    manager.close();
  }

  private static CycleGanTranslator load(byte[] bytes) throws Exception {
    return CycleGanTranslator.load(new ByteArrayInputStream(bytes), Device.cpu());
  }

  @Test
  void shouldEqualTheTrainedGeneratorsWhenLoadedFromExportOrCheckpoint() throws Exception {
    for (byte[] source : List.of(export, checkpoint)) {
      try (CycleGanTranslator t = load(source);
          NDManager m = NDManager.newBaseManager()) {
        NDArray x = m.randomUniform(-1, 1, new Shape(2, 3, 32, 40));
        float[] expectedAB =
            GradMode.withoutGradients(() -> model.generatorA().forward(x)).toFloatArray();
        float[] expectedBA =
            GradMode.withoutGradients(() -> model.generatorB().forward(x)).toFloatArray();
        NDArray ab = t.translate(x, Direction.A_TO_B);
        assertThat(ab.getShape()).isEqualTo(x.getShape());
        assertThat(ab.hasGradient()).isFalse();
        assertThat(ab.toFloatArray()).containsExactly(expectedAB);
        assertThat(t.translate(x, Direction.B_TO_A).toFloatArray()).containsExactly(expectedBA);
        assertThat(t.architecture()).isEqualTo(new Architecture(2, 4, 4));
      }
    }
  }

  @Test
  void shouldKeepSizesAndOrderWhenImagesOfMixedOddSizes() throws Exception {
    SyntheticShapes shapes = new SyntheticShapes(32, 1);
    List<BufferedImage> in =
        List.of(
            crop(shapes.testA(0), 37, 21),
            shapes.testA(1),
            crop(shapes.testA(2), 5, 9),
            crop(shapes.testA(3), 37, 21));
    try (CycleGanTranslator t = load(export)) {
      List<BufferedImage> out = t.translate(in, Direction.A_TO_B);
      assertThat(out).hasSize(4);
      for (int i = 0; i < 4; i++) {
        assertThat(out.get(i).getWidth()).isEqualTo(in.get(i).getWidth());
        assertThat(out.get(i).getHeight()).isEqualTo(in.get(i).getHeight());
      }
      // Batching by size changes nothing but float rounding (libtorch may pick another
      // convolution algorithm for another batch size): alone, image 3 is within 1/255.
      BufferedImage alone = t.translate(List.of(in.get(3)), Direction.A_TO_B).get(0);
      int[] a = pixels(alone);
      int[] b = pixels(out.get(3));
      for (int i = 0; i < a.length; i++) {
        for (int shift = 0; shift <= 16; shift += 8) {
          assertThat(Math.abs(((a[i] >> shift) & 0xFF) - ((b[i] >> shift) & 0xFF)))
              .as("pixel %d", i)
              .isLessThanOrEqualTo(1);
        }
      }
    }
  }

  @Test
  void shouldGiveSameResultsWhenCalledFromManyThreads() throws Exception {
    SyntheticShapes shapes = new SyntheticShapes(32, 2);
    try (CycleGanTranslator t = load(export)) {
      List<BufferedImage> images = shapes.testA(0, 8);
      List<int[]> expected = new ArrayList<>();
      for (BufferedImage im : images) {
        expected.add(pixels(t.translate(List.of(im), Direction.B_TO_A).get(0)));
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<int[]>> futures = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
          for (BufferedImage im : images) {
            futures.add(
                pool.submit(() -> pixels(t.translate(List.of(im), Direction.B_TO_A).get(0))));
          }
        }
        for (int i = 0; i < futures.size(); i++) {
          assertThat(futures.get(i).get()).containsExactly(expected.get(i % images.size()));
        }
      } finally {
        pool.shutdown();
      }
    }
  }

  @Test
  void shouldRefuseTooSmallImagesAndDamagedOrUnexpectedExports() throws Exception {
    try (CycleGanTranslator t = load(export);
        NDManager m = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> t.translate(m.zeros(new Shape(1, 3, 4, 40)), Direction.A_TO_B))
          .hasMessageContaining("at least 5 px");
    }
    byte[] damaged = export.clone();
    damaged[damaged.length - 100] ^= 1;
    assertThatThrownBy(() -> load(damaged)).isInstanceOf(CorruptCheckpointException.class);
    assertThatThrownBy(
            () ->
                CycleGanTranslator.load(
                    new ByteArrayInputStream(export), Device.cpu(), new Architecture(9, 64, 0)))
        .isInstanceOf(IncompatibleCheckpointException.class)
        .hasMessageContaining("generatorBlocks: checkpoint 2, requested 9")
        .hasMessageContaining("ngf: checkpoint 4, requested 64");
  }

  @Test
  void shouldDescribeTheModelInTheExportHeader() throws Exception {
    try (CycleGanTranslator t = load(export)) {
      assertThat(t.header().get("format").getAsString()).isEqualTo("cyclegan-generators");
      assertThat(t.header().get("imageSize").getAsInt()).isEqualTo(32);
      assertThat(t.header().get("epochsTrained").getAsInt()).isEqualTo(4);
    }
    assertThat(Direction.parse("atob")).isEqualTo(Direction.A_TO_B);
    assertThat(Direction.B_TO_A.wireName()).isEqualTo("BtoA");
  }

  private static BufferedImage crop(BufferedImage im, int w, int h) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        out.setRGB(x, y, im.getRGB(x % im.getWidth(), y % im.getHeight()));
      }
    }
    return out;
  }

  private static int[] pixels(BufferedImage im) {
    int[] p = im.getRGB(0, 0, im.getWidth(), im.getHeight(), null, 0, im.getWidth());
    return Arrays.copyOf(p, p.length);
  }
}
